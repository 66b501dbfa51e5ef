namespace SharpKeras.Layers;

/// <summary>Base of the global pooling layers: one max or mean per channel over all spatial positions.</summary>
public abstract class GlobalPooling : Layer
{
    private readonly bool _max;

    /// <summary>Stores the configuration.</summary>
    private protected GlobalPooling(int rank, bool max, bool keepDims, string? name) : base(name)
    {
        Rank = rank;
        _max = max;
        KeepDims = keepDims;
    }

    /// <summary>Number of spatial dimensions (1 or 2).</summary>
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
            string layout = Rank == 1 ? "(batch, steps, channels)" : "(batch, height, width, channels)";
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
        int[] window = Rank == 1 ? [s[1]] : [s[1], s[2]];
        var y = Ops.Pool(inputs, window, window, "valid", _max);
        return KeepDims ? y : Ops.Reshape(y, s[0], s[-1]);
    }
}

/// <summary>Mean of each channel over all steps (<c>keras.layers.GlobalAveragePooling1D</c>): (batch, steps, channels) -> (batch, channels).</summary>
public sealed class GlobalAveragePooling1D(bool keepDims = false, string? name = null) : GlobalPooling(1, max: false, keepDims, name);

/// <summary>Mean of each channel over all positions (<c>keras.layers.GlobalAveragePooling2D</c>): (batch, h, w, channels) -> (batch, channels).</summary>
public sealed class GlobalAveragePooling2D(bool keepDims = false, string? name = null) : GlobalPooling(2, max: false, keepDims, name);

/// <summary>Maximum of each channel over all steps (<c>keras.layers.GlobalMaxPooling1D</c>): (batch, steps, channels) -> (batch, channels).</summary>
public sealed class GlobalMaxPooling1D(bool keepDims = false, string? name = null) : GlobalPooling(1, max: true, keepDims, name);

/// <summary>Maximum of each channel over all positions (<c>keras.layers.GlobalMaxPooling2D</c>): (batch, h, w, channels) -> (batch, channels).</summary>
public sealed class GlobalMaxPooling2D(bool keepDims = false, string? name = null) : GlobalPooling(2, max: true, keepDims, name);
