namespace SharpKeras.Layers;

/// <summary>Maximum of each channel over all positions (<c>keras.layers.GlobalMaxPooling2D</c>): (batch, h, w, channels) -> (batch, channels).</summary>
public sealed class GlobalMaxPooling2D(bool keepDims = false, string? name = null) : GlobalPooling(2, max: true, keepDims, name);
