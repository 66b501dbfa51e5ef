namespace SharpKeras.Layers;

/// <summary>Maximum of each channel over all steps (<c>keras.layers.GlobalMaxPooling1D</c>): (batch, steps, channels) -> (batch, channels).</summary>
public sealed class GlobalMaxPooling1D(bool keepDims = false, string? name = null) : GlobalPooling(1, max: true, keepDims, name);
