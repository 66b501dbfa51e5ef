using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// What a planned step depends on in a model: its layers, and which weights are trainable. The
/// global <see cref="Layer.StructureVersion"/> makes the common check free; only when some layer
/// anywhere changed (another model being built on another thread, say) is this model compared
/// layer by layer and weight by weight, so unrelated changes do not force a new recording.
/// </summary>
internal sealed class StructureStamp
{
    private long _version;
    private readonly Layer[] _layers;
    private readonly Variable[] _trainable;
    private readonly Variable[] _weights;

    public StructureStamp(Model model)
    {
        _version = Layer.StructureVersion;
        _layers = [.. model.Layers];
        _trainable = [.. model.TrainableWeights];
        _weights = [.. model.Weights];
    }

    /// <summary>True when the model still has the layers and trainable weights it had when stamped.</summary>
    public bool Matches(Model model)
    {
        long version = Layer.StructureVersion;
        if (version == _version)
        {
            return true;
        }
        if (!Same(model.Layers, _layers) || !Same(model.TrainableWeights, _trainable) || !Same(model.Weights, _weights))
        {
            return false;
        }
        _version = version;
        return true;
    }

    private static bool Same<T>(IReadOnlyList<T> now, T[] then) where T : class
    {
        if (now.Count != then.Length)
        {
            return false;
        }
        for (int i = 0; i < then.Length; i++)
        {
            if (!ReferenceEquals(now[i], then[i]))
            {
                return false;
            }
        }
        return true;
    }
}
