using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpKeras.Backend.Cpu;

// The register tiles reading an A stored [K,M] (op(A) = A^T, as in a weight gradient X^T dY) where it lies:
// a tile's MR rows at step p are MR contiguous floats of stored row p, the next step lda floats further.
// They do the multiply-adds of the packed kernels in the same order, so results are bit-identical to packing.
internal static unsafe partial class Gemm
{
    /// <summary>The <see cref="DirectKernelV512"/> tile reading the 6 rows of a transposed A in place (step stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectTKernelV512(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // The same tile of the next K block, kc steps on: fetched into L2 while this block computes, since
        // the first column panel's sweep otherwise waits on memory for each step's row of A (a hint: never faults).
        long ahead = (long)kc * lda;
        for (int p = 0; p < kc; p++)
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch1(a + ahead);
            }
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var v0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(v3, b1, c31);
            var v4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(v4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(v4, b1, c41);
            var v5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(v5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(v5, b1, c51);
            a += lda;
            b += 32;
        }
        Store16(c, c00, c01, accumulate);
        Store16(c + ldc, c10, c11, accumulate);
        Store16(c + 2 * ldc, c20, c21, accumulate);
        Store16(c + 3 * ldc, c30, c31, accumulate);
        Store16(c + 4 * ldc, c40, c41, accumulate);
        Store16(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>The <see cref="DirectKernelV256"/> tile reading the 6 rows of a transposed A in place (step stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectTKernelV256(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // The same tile of the next K block, kc steps on: fetched into L2 while this block computes, since
        // the first column panel's sweep otherwise waits on memory for each step's row of A (a hint: never faults).
        long ahead = (long)kc * lda;
        for (int p = 0; p < kc; p++)
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch1(a + ahead);
            }
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var v0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(v3, b1, c31);
            var v4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(v4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(v4, b1, c41);
            var v5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(v5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(v5, b1, c51);
            a += lda;
            b += 16;
        }
        Store8(c, c00, c01, accumulate);
        Store8(c + ldc, c10, c11, accumulate);
        Store8(c + 2 * ldc, c20, c21, accumulate);
        Store8(c + 3 * ldc, c30, c31, accumulate);
        Store8(c + 4 * ldc, c40, c41, accumulate);
        Store8(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>The <see cref="DirectKernelV128"/> tile reading the 6 rows of a transposed A in place (step stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectTKernelV128(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var v0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(v0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(v0, b1, c01);
            var v1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(v1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(v1, b1, c11);
            var v2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(v2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(v2, b1, c21);
            var v3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(v3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(v3, b1, c31);
            var v4 = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(v4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(v4, b1, c41);
            var v5 = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(v5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(v5, b1, c51);
            a += lda;
            b += 8;
        }
        Store4(c, c00, c01, accumulate);
        Store4(c + ldc, c10, c11, accumulate);
        Store4(c + 2 * ldc, c20, c21, accumulate);
        Store4(c + 3 * ldc, c30, c31, accumulate);
        Store4(c + 4 * ldc, c40, c41, accumulate);
        Store4(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>The <see cref="Direct4KernelV512"/> tile reading the 4 rows of a transposed A in place (step stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direct4TKernelV512(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var v0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(v3, b1, c31);
            a += lda;
            b += 32;
        }
        Store16(c, c00, c01, accumulate);
        Store16(c + ldc, c10, c11, accumulate);
        Store16(c + 2 * ldc, c20, c21, accumulate);
        Store16(c + 3 * ldc, c30, c31, accumulate);
    }

    /// <summary>The <see cref="Direct4KernelV256"/> tile reading the 4 rows of a transposed A in place (step stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direct4TKernelV256(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var v0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(v3, b1, c31);
            a += lda;
            b += 16;
        }
        Store8(c, c00, c01, accumulate);
        Store8(c + ldc, c10, c11, accumulate);
        Store8(c + 2 * ldc, c20, c21, accumulate);
        Store8(c + 3 * ldc, c30, c31, accumulate);
    }
}
