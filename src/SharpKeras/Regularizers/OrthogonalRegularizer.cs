using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Regularizers;

/// <summary>
/// Penalises non-orthogonal rows (or columns) of a rank-2 tensor (<c>keras.regularizers.OrthogonalRegularizer</c>,
/// identifier "orthogonal_regularizer"): <c>factor * 0.5 * sum(|P - diag(P)|) / (n (n - 1) / 2)</c> where P holds
/// the dot products of the L2-normalised rows (mode "rows") or columns (mode "columns").
/// </summary>
public sealed class OrthogonalRegularizer : Regularizer, IKerasSerializable<OrthogonalRegularizer>
{
    /// <summary>An orthogonality penalty with <paramref name="factor"/> (default 0.01) over "rows" (default) or "columns".</summary>
    public OrthogonalRegularizer(double factor = 0.01, string mode = "rows")
    {
        Factor = CheckFactor(factor, nameof(factor));
        if (mode is not ("rows" or "columns"))
        {
            throw new ArgumentException($"Invalid value for argument `mode`. Expected one of {{\"rows\", \"columns\"}}. Received: mode={mode}", nameof(mode));
        }
        Mode = mode;
    }

    /// <summary>The regularization factor (Keras's <c>factor</c>).</summary>
    public double Factor { get; }

    /// <summary>"rows" or "columns" (Keras's <c>mode</c>).</summary>
    public string Mode { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x)
    {
        if (x.Rank != 2)
        {
            throw new ArgumentException($"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={x.Shape}", nameof(x));
        }
        bool rows = Mode == "rows";
        int axis = rows ? 1 : 0;
        int size = x.Shape[rows ? 0 : 1];
        // Keras's ops.nn.normalize: the squared norm is clamped at epsilon^2 (1e-14) so zero vectors stay finite;
        // a clip from below is that maximum, with the same gradient.
        var squareSum = Ops.Sum(Ops.Square(x), axis, keepDims: true);
        var unit = Ops.Divide(x, Ops.Sqrt(Ops.Clip(squareSum, 1e-14f, float.MaxValue)));
        var product = rows ? Ops.MatMul(unit, Ops.Transpose(unit)) : Ops.MatMul(Ops.Transpose(unit), unit);
        var offDiagonal = Tensor.Ones(new Shape(size, size));
        for (int i = 0; i < size; i++)
        {
            offDiagonal.Span[i * size + i] = 0f;
        }
        var noDiagonal = Ops.Multiply(product, offDiagonal);
        double pairs = size * (size - 1.0) / 2.0;
        var scaled = Ops.Multiply(Tensor.Scalar((float)(Factor * 0.5)), Ops.Sum(Absolute(noDiagonal)));
        return Ops.Divide(scaled, Tensor.Scalar((float)pairs));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["factor"] = (double)(float)Factor, ["mode"] = Mode };

    /// <summary>Recreates the regularizer from its config (Keras's <c>from_config</c>).</summary>
    public static OrthogonalRegularizer FromConfig(JsonObject config) =>
        new(Cfg.Double(config, "factor", 0.01), Cfg.String(config, "mode", "rows"));
}
