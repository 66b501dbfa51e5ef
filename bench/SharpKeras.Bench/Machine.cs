using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpKeras.Bench;

/// <summary>What the report says about the machine the figures come from.</summary>
public sealed record MachineInfo
{
    /// <summary>CPU model name (from /proc/cpuinfo where there is one).</summary>
    public required string CpuModel { get; init; }

    /// <summary>Logical cores the process may use.</summary>
    public required int Cores { get; init; }

    /// <summary>Widest SIMD the runtime accelerates (AVX-512, AVX2+FMA, ...).</summary>
    public required string Simd { get; init; }

    /// <summary>Width of Vector&lt;float&gt; in bits (the element-wise kernels' vector).</summary>
    public required int VectorBits { get; init; }

    /// <summary>The micro-kernel SharpKeras's GEMM chose at start-up (SHARPKERAS_SIMD can force a narrower one).</summary>
    public required string GemmKernel { get; init; }

    /// <summary>The .NET runtime.</summary>
    public required string DotNet { get; init; }

    /// <summary>Operating system.</summary>
    public required string Os { get; init; }

    /// <summary>SharpKeras's assembly version.</summary>
    public required string SharpKeras { get; init; }

    /// <summary>Measured peak float32 GFLOP/s per thread count (an FMA loop, <see cref="Peak"/>).</summary>
    public Dictionary<int, double> PeakGflops { get; init; } = [];

    /// <summary>How the peak was measured.</summary>
    public string PeakMethod { get; init; } = "";

    /// <summary>Every peak measurement per thread count, in the order taken (start, before each workload, end); <see cref="PeakGflops"/> is their maximum.</summary>
    public Dictionary<int, List<double>> PeakSamples { get; init; } = [];

    /// <summary>Measures the peak at each thread count once more and keeps the maximum seen, so that a reading taken while other work ran does not stand as the peak.</summary>
    public void SamplePeak(IEnumerable<int> threads, double seconds)
    {
        foreach (int t in threads)
        {
            double g = Peak.Measure(t, seconds);
            if (!PeakSamples.TryGetValue(t, out var list))
            {
                PeakSamples[t] = list = [];
            }
            list.Add(g);
            PeakGflops[t] = Math.Max(PeakGflops.GetValueOrDefault(t), g);
        }
    }

    /// <summary>The 1-minute load average when the run started (from /proc/loadavg; null elsewhere): above the core count, figures are noisy.</summary>
    public double? LoadAverage { get; init; }

    /// <summary>The 1-minute load average now, or null where the system does not say.</summary>
    public static double? ReadLoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.TryParse(text.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Describes this machine (without the peak).</summary>
    public static MachineInfo Describe() => new()
    {
        CpuModel = CpuModelName(),
        Cores = Environment.ProcessorCount,
        Simd = Peak.SimdLevel,
        VectorBits = Vector<float>.Count * 32,
        GemmKernel = global::SharpKeras.Backend.Kernels.Current.MatMulVariant,
        LoadAverage = ReadLoadAverage(),
        DotNet = RuntimeInformation.FrameworkDescription,
        Os = RuntimeInformation.OSDescription,
        SharpKeras = typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "?",
    };

    private static string CpuModelName()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

/// <summary>
/// The machine's peak float32 rate, measured with a loop of independent fused multiply-adds on the
/// widest accelerated vector (12 accumulators hide the FMA latency on two ports), run on every thread at once.
/// </summary>
public static class Peak
{
    private const int Accumulators = 12;

    /// <summary>The widest accelerated SIMD level, as the report names it.</summary>
    public static string SimdLevel =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? "AVX-512F (Vector512)"
        : Avx2.IsSupported && Fma.IsSupported ? "AVX2+FMA (Vector256)"
        : Vector128.IsHardwareAccelerated ? "Vector128"
        : "scalar";

    /// <summary>How the loop works, for the report.</summary>
    public static string Method =>
        $"{Accumulators} independent {VectorName} fused multiply-add chains per thread, all threads at once, best of 5 rounds, measured at the start, before every workload and at the end; the maximum seen (a loaded machine reads low: fractions above 100% mean every reading was taken under load)";

    private static string VectorName =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? "Vector512"
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? "Vector256"
        : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

    /// <summary>Peak GFLOP/s with <paramref name="threads"/> threads each running the loop for about <paramref name="seconds"/>.</summary>
    public static double Measure(int threads, double seconds)
    {
        long iterations = 1 << 16;
        // Calibrate on one thread: grow the count until a call lasts 1/10 of the budget.
        while (true)
        {
            var sw = Stopwatch.StartNew();
            Loop(iterations);
            if (sw.Elapsed.TotalSeconds > seconds / 10 || iterations > (1L << 40))
            {
                iterations = (long)(iterations * (seconds / Math.Max(1e-6, sw.Elapsed.TotalSeconds)));
                break;
            }
            iterations *= 4;
        }
        double best = 0;
        for (int round = 0; round < 5; round++)
        {
            double flops = 0;
            var sw = Stopwatch.StartNew();
            var workers = new Thread[threads];
            double[] perThread = new double[threads];
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                workers[t] = new Thread(() => perThread[id] = Loop(iterations)) { IsBackground = true };
                workers[t].Start();
            }
            foreach (var w in workers)
            {
                w.Join();
            }
            double elapsed = sw.Elapsed.TotalSeconds;
            flops = perThread.Sum();
            best = Math.Max(best, flops / elapsed / 1e9);
        }
        return best;
    }

    /// <summary>Runs the FMA chains; returns the floating-point operations done.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Loop(long iterations)
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            return Loop512(iterations);
        }
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            return Loop256(iterations);
        }
        return LoopScalar(iterations);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call, no tier-0 spills
    private static double Loop512(long n)
    {
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (long i = 0; i < n; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a); c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = Avx512F.FusedMultiplyAdd(c2, m, a); c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = Avx512F.FusedMultiplyAdd(c4, m, a); c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a); c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
            c8 = Avx512F.FusedMultiplyAdd(c8, m, a); c9 = Avx512F.FusedMultiplyAdd(c9, m, a);
            c10 = Avx512F.FusedMultiplyAdd(c10, m, a); c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
        }
        Sink(Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11));
        return 2.0 * 16 * Accumulators * n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call, no tier-0 spills
    private static double Loop256(long n)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (long i = 0; i < n; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a); c1 = Fma.MultiplyAdd(c1, m, a);
            c2 = Fma.MultiplyAdd(c2, m, a); c3 = Fma.MultiplyAdd(c3, m, a);
            c4 = Fma.MultiplyAdd(c4, m, a); c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a); c7 = Fma.MultiplyAdd(c7, m, a);
            c8 = Fma.MultiplyAdd(c8, m, a); c9 = Fma.MultiplyAdd(c9, m, a);
            c10 = Fma.MultiplyAdd(c10, m, a); c11 = Fma.MultiplyAdd(c11, m, a);
        }
        Sink(Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11));
        return 2.0 * 8 * Accumulators * n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call, no tier-0 spills
    private static double LoopScalar(long n)
    {
        float m = 0.999999f, a = 1e-7f;
        float c0 = m, c1 = m, c2 = m, c3 = m;
        for (long i = 0; i < n; i++)
        {
            c0 = MathF.FusedMultiplyAdd(c0, m, a); c1 = MathF.FusedMultiplyAdd(c1, m, a);
            c2 = MathF.FusedMultiplyAdd(c2, m, a); c3 = MathF.FusedMultiplyAdd(c3, m, a);
        }
        Sink(c0 + c1 + c2 + c3);
        return 2.0 * 4 * n;
    }

    private static float s_sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Sink(float v) => s_sink += v;
}
