namespace SharpKeras.Training;

/// <summary>
/// Where a training step's time goes, per layer (as a line profiler breaks down Keras's fit):
/// seconds per step spent in the layer's forward ops and in their gradients. The loss appears as
/// "loss" and the weight update as "optimizer" (counted as backward).
/// </summary>
/// <param name="Layer">The layer's name, "loss" or "optimizer".</param>
/// <param name="ForwardSeconds">Average seconds per step in forward ops.</param>
/// <param name="BackwardSeconds">Average seconds per step in backward ops (or the update).</param>
public sealed record LayerTiming(string Layer, double ForwardSeconds, double BackwardSeconds);
