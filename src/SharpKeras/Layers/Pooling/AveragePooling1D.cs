namespace SharpKeras.Layers;

/// <summary>Average pooling over 1-D windows (<c>keras.layers.AveragePooling1D</c>; pool 2, strides = pool, "valid").</summary>
public sealed class AveragePooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null)
    : BasePooling(1, [poolSize], strides is { } s ? [s] : null, padding, max: false, name);
