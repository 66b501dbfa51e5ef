namespace SharpKeras.Layers;

/// <summary>Mean of each channel over all steps (<c>keras.layers.GlobalAveragePooling1D</c>): (batch, steps, channels) -> (batch, channels).</summary>
public sealed class GlobalAveragePooling1D(bool keepDims = false, string? name = null) : GlobalPooling(1, max: false, keepDims, name);
