namespace SharpKeras.Layers;

/// <summary>Mean of each channel over all positions (<c>keras.layers.GlobalAveragePooling2D</c>): (batch, h, w, channels) -> (batch, channels).</summary>
public sealed class GlobalAveragePooling2D(bool keepDims = false, string? name = null) : GlobalPooling(2, max: false, keepDims, name);
