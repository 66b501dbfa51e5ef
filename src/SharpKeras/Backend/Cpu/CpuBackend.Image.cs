using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>The image kernel family of the CPU backend: output rows split across threads, each tap a SIMD multiply-add over the channels.</summary>
internal sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    public void Resample2D(Span<float> x, Span<float> y, int n, int h, int w, int c, ResampleTaps rows, ResampleTaps cols, float fill, bool backward)
    {
        fixed (float* px = x, py = y)
        fixed (int* ri = rows.Index, ci = cols.Index)
        fixed (float* rw = rows.Weight, cw = cols.Weight)
        {
            var body = new ResampleBody
            {
                X = px, Y = py, H = h, W = w, C = c, OH = rows.OutSize, OW = cols.OutSize,
                RowTaps = rows.Taps, ColTaps = cols.Taps, RowIndex = ri, ColIndex = ci, RowWeight = rw, ColWeight = cw, Fill = fill,
            };
            if (backward)
            {
                // Each sample's gradient rows are written by one thread only, so samples split safely.
                x.Clear();
                var back = new ResampleBackBody { Inner = body };
                CpuParallel.For(n, (long)rows.OutSize * cols.OutSize * c * rows.Taps * cols.Taps, ref back);
            }
            else
            {
                CpuParallel.For(n * rows.OutSize, (long)cols.OutSize * c * rows.Taps * cols.Taps, ref body);
            }
        }
    }

    /// <summary>dst += a * src over a channel vector.</summary>
    private static void MultiplyAdd(float* dst, float* src, float a, int c)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated && c >= Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            for (; k <= c - Vector<float>.Count; k += Vector<float>.Count)
            {
                var d = Vector.Load(dst + k);
                Vector.Store(d + va * Vector.Load(src + k), dst + k);
            }
        }
        for (; k < c; k++)
        {
            dst[k] += a * src[k];
        }
    }

    private struct ResampleBody : IRangeBody
    {
        public float* X, Y, RowWeight, ColWeight;
        public int* RowIndex, ColIndex;
        public int H, W, C, OH, OW, RowTaps, ColTaps;
        public float Fill;

        public readonly void Run(int start, int end)
        {
            for (int row = start; row < end; row++)
            {
                int b = row / OH, i = row % OH;
                for (int j = 0; j < OW; j++)
                {
                    float* dst = Y + ((long)row * OW + j) * C;
                    new Span<float>(dst, C).Clear();
                    float fillWeight = 0f;
                    for (int r = 0; r < RowTaps; r++)
                    {
                        int si = RowIndex[i * RowTaps + r];
                        float wr = RowWeight[i * RowTaps + r];
                        if (wr == 0f)
                        {
                            continue;
                        }
                        for (int s = 0; s < ColTaps; s++)
                        {
                            int sj = ColIndex[j * ColTaps + s];
                            float weight = wr * ColWeight[j * ColTaps + s];
                            if (weight == 0f)
                            {
                                continue;
                            }
                            if (si < 0 || sj < 0)
                            {
                                fillWeight += weight;
                            }
                            else
                            {
                                MultiplyAdd(dst, X + (((long)b * H + si) * W + sj) * C, weight, C);
                            }
                        }
                    }
                    if (fillWeight != 0f)
                    {
                        float add = fillWeight * Fill;
                        for (int k = 0; k < C; k++)
                        {
                            dst[k] += add;
                        }
                    }
                }
            }
        }
    }

    private struct ResampleBackBody : IRangeBody
    {
        public ResampleBody Inner;

        public readonly void Run(int start, int end)
        {
            var p = Inner;
            for (int b = start; b < end; b++)
            {
                for (int i = 0; i < p.OH; i++)
                {
                    for (int j = 0; j < p.OW; j++)
                    {
                        float* g = p.Y + (((long)b * p.OH + i) * p.OW + j) * p.C;
                        for (int r = 0; r < p.RowTaps; r++)
                        {
                            int si = p.RowIndex[i * p.RowTaps + r];
                            float wr = p.RowWeight[i * p.RowTaps + r];
                            if (si < 0 || wr == 0f)
                            {
                                continue;
                            }
                            for (int s = 0; s < p.ColTaps; s++)
                            {
                                int sj = p.ColIndex[j * p.ColTaps + s];
                                float weight = wr * p.ColWeight[j * p.ColTaps + s];
                                if (sj >= 0 && weight != 0f)
                                {
                                    MultiplyAdd(p.X + (((long)b * p.H + si) * p.W + sj) * p.C, g, weight, p.C);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
