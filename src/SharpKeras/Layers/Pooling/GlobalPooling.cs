using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Base of the global pooling layers: one max or mean per channel over all spatial positions.</summary>
public abstract class GlobalPooling : Layer
{
    private readonly bool _max;

    /// <summary>Stores the configuration.</summary>
    private protected GlobalPooling(int rank, bool max, bool keepDims, string? name, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        Rank = rank;
        _max = max;
        KeepDims = keepDims;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["data_format"] = "channels_last";
        c["keepdims"] = KeepDims;
        return c;
    }

    /// <summary>Keras writes no build_config for pooling layers (they have no build step).</summary>
    internal override bool WritesBuildConfig => false;

    /// <summary>Number of spatial dimensions (1, 2 or 3).</summary>
    public int Rank { get; }

    /// <summary>Whether the spatial axes are kept with size 1 (Keras's keepdims).</summary>
    public bool KeepDims { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != Rank + 2)
        {
            string layout = Rank switch
            {
                1 => "(batch, steps, channels)",
                2 => "(batch, height, width, channels)",
                _ => "(batch, depth, height, width, channels)",
            };
            throw IncompatibleInput(inputShape, $"expected ndim={Rank + 2} {layout}, found ndim={inputShape.Rank}");
        }
        if (KeepDims)
        {
            var dims = inputShape.ToArray();
            for (int i = 1; i <= Rank; i++)
            {
                dims[i] = 1;
            }
            return new Shape(dims);
        }
        return new Shape(inputShape[0], inputShape[-1]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var s = inputs.Shape;
        if (!_max && Rank == 1 && inputs.KerasMask is { } mask)
        {
            // Keras's masked mean: masked steps count neither in the sum nor in the number of steps.
            var m = Ops.Reshape(mask, s[0], s[1], 1);
            var mean = Ops.Divide(Ops.Sum(Ops.Multiply(inputs, m), 1, keepDims: true), Ops.Sum(m, 1, keepDims: true));
            return KeepDims ? mean : Ops.Reshape(mean, s[0], s[-1]);
        }
        // A volume pools as an image of (depth * height) rows: every voxel is in the one window either way.
        var x = Rank == 3 ? Ops.Reshape(inputs, s[0], s[1] * s[2], s[3], s[4]) : inputs;
        int[] window = Rank == 1 ? [s[1]] : [x.Shape[1], x.Shape[2]];
        var y = Ops.Pool(x, window, window, "valid", _max);
        if (KeepDims)
        {
            return Rank == 3 ? Ops.Reshape(y, s[0], 1, 1, 1, s[-1]) : y;
        }
        return Ops.Reshape(y, s[0], s[-1]);
    }
}
