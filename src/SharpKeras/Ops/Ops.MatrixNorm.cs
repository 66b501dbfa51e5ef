namespace SharpKeras;

/// <summary>The matrix norms that need singular values (Keras's <c>ops.norm</c> with ord 2, -2 and "nuc"), from a one-sided Jacobi SVD.</summary>
public static partial class Ops
{
    /// <summary>Which function of the singular values a matrix norm takes.</summary>
    private enum SingularValueNorm
    {
        Largest,
        Smallest,
        Sum,
    }

    /// <summary>
    /// The norm of every matrix spanned by axes (<paramref name="row"/>, <paramref name="col"/>) of x, as a
    /// function of its singular values. Its gradient is u v^T for the chosen singular value (at a simple
    /// one) and U V^T over the non-zero ones for the sum, as the SVD's derivative gives.
    /// </summary>
    private static Tensor SingularNorm(Tensor x, int row, int col, SingularValueNorm kind, bool keepDims)
    {
        var s = x.Shape;
        if (row == col)
        {
            throw new ArgumentException($"Norm: a matrix norm needs two different axes, got ({row}, {col}).", nameof(x));
        }
        int m = s[row], n = s[col];
        if (m == 0 || n == 0)
        {
            throw new ArgumentException($"Norm: the singular values of an empty matrix are undefined; axes ({row}, {col}) of shape {s} have sizes {m} and {n}.", nameof(x));
        }
        var others = Enumerable.Range(0, x.Rank).Where(d => d != row && d != col).ToArray();
        int batch = others.Aggregate(1, (p, d) => p * s[d]);
        int[] perm = [.. others, row, col];
        bool moved = !perm.SequenceEqual(Enumerable.Range(0, x.Rank));
        var xt = moved ? Transpose(x, perm) : x;
        var x3 = ViewOp(xt, new Shape(batch, m, n), OpKind.Reshape);
        var z = Tensor.Zeros(new Shape(batch));
        // d norm / d x per matrix, written by the forward so that a replay keeps it in step with z.
        var direction = new float[batch * m * n];
        void Forward() => SingularNormForward(x3.Span, z.Span, direction, batch, m, n, kind);
        Forward();
        if (GradientTape.IsRecording(x3))
        {
            GradientTape.Record(z, [x3], Forward, (g, dx) =>
            {
                var gv = g.Span;
                var d = dx[0].Span;
                int size = m * n;
                for (int b = 0; b < batch; b++)
                {
                    float gb = gv[b];
                    for (int i = 0; i < size; i++)
                    {
                        d[(b * size) + i] = gb * direction[(b * size) + i];
                    }
                }
            }, OpKind.MatrixNorm);
        }
        var outDims = keepDims
            ? s.ToArray().Select((v, d) => d == row || d == col ? 1 : v).ToArray()
            : others.Select(d => s[d]).ToArray();
        return ViewOp(z, new Shape(outDims), OpKind.Reshape);
    }

    private static void SingularNormForward(ReadOnlySpan<float> x, Span<float> z, float[] direction, int batch, int m, int n, SingularValueNorm kind)
    {
        // Jacobi works on the columns of a tall matrix: a wide one is transposed first.
        bool wide = m < n;
        int rows = wide ? n : m, cols = wide ? m : n;
        var a = new double[rows * cols];
        var v = new double[cols * cols];
        var sigma = new double[cols];
        for (int b = 0; b < batch; b++)
        {
            var xb = x.Slice(b * m * n, m * n);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    a[wide ? (j * cols) + i : (i * cols) + j] = xb[(i * n) + j];
                }
            }
            JacobiSvd(a, rows, cols, v, sigma);
            double largest = sigma.Max();
            int chosen = kind switch
            {
                SingularValueNorm.Largest => Array.IndexOf(sigma, largest),
                SingularValueNorm.Smallest => Array.IndexOf(sigma, sigma.Min()),
                _ => -1,
            };
            z[b] = (float)(kind == SingularValueNorm.Sum ? sigma.Sum() : sigma[chosen]);
            // Singular vectors of (numerically) zero singular values are arbitrary: they get no gradient.
            double tiny = largest * 1e-10;
            var db = direction.AsSpan(b * m * n, m * n);
            for (int i = 0; i < rows; i++)
            {
                for (int k = 0; k < cols; k++)
                {
                    double sum = 0;
                    for (int j = 0; j < cols; j++)
                    {
                        if ((chosen < 0 || j == chosen) && sigma[j] > tiny)
                        {
                            sum += a[(i * cols) + j] / sigma[j] * v[(k * cols) + j];
                        }
                    }
                    db[wide ? (k * n) + i : (i * n) + k] = (float)sum;
                }
            }
        }
    }

    /// <summary>
    /// One-sided Jacobi SVD of the row-major rows x cols matrix a (rows &gt;= cols), in place: column pairs
    /// are rotated until orthogonal, after which column j of a is u_j * sigma_j and column j of v is v_j.
    /// </summary>
    internal static void JacobiSvd(double[] a, int rows, int cols, double[] v, double[] sigma)
    {
        Array.Clear(v);
        for (int i = 0; i < cols; i++)
        {
            v[(i * cols) + i] = 1;
        }
        // Quadratic convergence makes a handful of sweeps enough; the cap only guards against a NaN input.
        for (int sweep = 0; sweep < 64; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < cols - 1; p++)
            {
                for (int q = p + 1; q < cols; q++)
                {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        double ap = a[(i * cols) + p], aq = a[(i * cols) + q];
                        alpha += ap * ap;
                        beta += aq * aq;
                        gamma += ap * aq;
                    }
                    if (gamma == 0 || Math.Abs(gamma) <= 1e-15 * Math.Sqrt(alpha * beta))
                    {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = (zeta >= 0 ? 1 : -1) / (Math.Abs(zeta) + Math.Sqrt(1 + (zeta * zeta)));
                    double c = 1 / Math.Sqrt(1 + (t * t)), sn = c * t;
                    Rotate(a, rows, cols, p, q, c, sn);
                    Rotate(v, cols, cols, p, q, c, sn);
                }
            }
            if (!rotated)
            {
                break;
            }
        }
        for (int j = 0; j < cols; j++)
        {
            double sum = 0;
            for (int i = 0; i < rows; i++)
            {
                sum += a[(i * cols) + j] * a[(i * cols) + j];
            }
            sigma[j] = Math.Sqrt(sum);
        }
    }

    private static void Rotate(double[] a, int rows, int cols, int p, int q, double c, double s)
    {
        for (int i = 0; i < rows; i++)
        {
            double ap = a[(i * cols) + p], aq = a[(i * cols) + q];
            a[(i * cols) + p] = (c * ap) - (s * aq);
            a[(i * cols) + q] = (s * ap) + (c * aq);
        }
    }
}
