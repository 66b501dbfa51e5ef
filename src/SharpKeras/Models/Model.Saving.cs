using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Saving;

namespace SharpKeras.Models;

/// <summary>Saving and loading models in Keras's file formats.</summary>
public partial class Model
{
    /// <summary>The model's layers saved under <c>layers/&lt;snake_case class name&gt;</c>, as Keras's weight files list them.</summary>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        var used = new Dictionary<string, int>();
        foreach (var layer in Layers)
        {
            yield return new("layers/" + WeightsFile.UniqueSnakeName(layer, used), layer);
        }
    }

    /// <inheritdoc/>
    public override string ClassName => _graph is not null ? "Functional" : base.ClassName;

    /// <inheritdoc/>
    public override string Module => this switch
    {
        Sequential => "keras",
        { Graph: not null } => "keras.src.models.functional",
        _ => base.Module,
    };

    /// <summary>
    /// The model's configuration as Keras serializes it (module, class_name, config, registered_name,
    /// build_config and, when compiled, compile_config): the content of a .keras file's config.json.
    /// </summary>
    public JsonObject ToConfig() => KerasSerializer.Serialize(this);

    /// <summary>Rebuilds a model (untrained weights) from <see cref="ToConfig"/>'s output or a .keras file's config.json.</summary>
    public static Model FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var layer = KerasSerializer.Layer(config);
        var model = layer as Model ?? throw new FormatException($"The config describes a {layer.ClassName}, not a model.");
        if (config["compile_config"] is JsonObject cc && cc.Count > 0)
        {
            ModelSerializer.Compile(model, cc);
        }
        return model;
    }

    /// <summary>
    /// Saves the model (Keras's <c>model.save</c>): "m.keras" writes the Keras v3 zip, "m.h5" the legacy
    /// HDF5 format. Architecture, weights, compile settings and optimizer state are kept; the file is
    /// written to a temporary file beside the target and renamed over it.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RequireBuiltForSaving("Save");
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            KerasFile.Save(this, path);
        }
        else if (path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{path}' is a weights file name; use SaveWeights(\"{path}\") to save only the weights, or Save(\"model.keras\") for the whole model.", nameof(path));
        }
        else if (path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase))
        {
            var file = LegacyH5.Build(this, ToConfig());
            SafeFile.Replace(path, tmp =>
            {
                file.Write(tmp);
                return true;
            });
        }
        else
        {
            throw new ArgumentException($"Invalid file extension for saving '{path}'. Add either a .keras extension for the native Keras format (recommended) or a .h5 extension for the legacy HDF5 format.", nameof(path));
        }
    }

    /// <summary>Loads a model saved by Keras or SharpKeras (Keras's <c>keras.models.load_model</c>): a .keras or legacy .h5 file.</summary>
    public static Model Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RequireFile(path);
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            return KerasFile.Load(path);
        }
        if (path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{path}' holds weights only: build the model in code (or load its .keras file) and call LoadWeights(\"{path}\").", nameof(path));
        }
        if (path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase))
        {
            using var h5 = H5.Open(File.OpenRead(path), path);
            return Guard(path, () => LegacyH5.LoadModel(h5, path));
        }
        throw new ArgumentException($"File format not supported: '{path}'. Keras models are .keras (Keras v3 zip) or .h5 (legacy HDF5) files.", nameof(path));
    }

    /// <summary>
    /// Saves the weights (and optimizer state) in Keras 3's layout (Keras's <c>save_weights</c>); the
    /// name must end in ".weights.h5". A name ending in plain ".h5" writes Keras 2's legacy weights layout.
    /// </summary>
    public void SaveWeights(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RequireBuiltForSaving("SaveWeights");
        if (path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
        {
            var file = WeightsFile.Build(this);
            SafeFile.Replace(path, tmp =>
            {
                file.Write(tmp);
                return true;
            });
            return;
        }
        throw new ArgumentException($"The file name must end in .weights.h5 to save weights with SaveWeights, got '{path}'.", nameof(path));
    }

    /// <summary>
    /// Loads weights saved by Keras or SharpKeras (Keras's <c>load_weights</c>) into this model, which
    /// must have the same architecture: a .weights.h5 file, a legacy .h5 file, or the weights inside a .keras file.
    /// Shapes are checked before anything is assigned; errors name the weight's path and both shapes.
    /// </summary>
    public void LoadWeights(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RequireFile(path);
        (this as Sequential)?.TryBuildFromDeclaredShape();
        if (!Built && !HoldsOnlyBuiltLayers)
        {
            throw new InvalidOperationException($"Model '{Name}' is not built yet, so it has no weights to load into; call it on data or build it with an input shape first.");
        }
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            var (_, weights) = KerasFile.Read(path);
            using var zipped = H5.Open(new MemoryStream(weights), $"{path}/{KerasFile.WeightsEntry}");
            Guard(path, () => WeightsFile.Load(this, zipped, $"{path}/{KerasFile.WeightsEntry}"));
            return;
        }
        if (!path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"File format not supported for LoadWeights: '{path}'. Use a .weights.h5, .h5 or .keras file.", nameof(path));
        }
        using var h5 = H5.Open(File.OpenRead(path), path);
        Guard(path, () => LoadWeightsFrom(h5, path));
    }

    private void LoadWeightsFrom(PureHDF.VOL.Native.NativeFile h5, string path)
    {
        if (H5.TryGroup(h5, "model_weights") is { } legacy)
        {
            LegacyH5.LoadModelWeights(this, legacy, path);
        }
        else if (h5.AttributeExists("layer_names"))
        {
            LegacyH5.LoadModelWeights(this, h5, path);
        }
        else
        {
            WeightsFile.Load(this, h5, path);
        }
    }

    /// <summary>Runs a read, turning the HDF5 library's own failures on damaged data into a message naming the file.</summary>
    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            // A structural complaint about the file keeps its type, with the user's path in front.
            throw new FormatException($"'{path}': {e.Message}", e);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}': {e.Message}", e);
        }
        catch (Exception e) when (e is not (FormatException or InvalidDataException or OutOfMemoryException) && !e.Message.Contains(path, StringComparison.Ordinal))
        {
            // Anything else thrown while reading (the HDF5 library's argument or state errors on a damaged file
            // included) says which file it was.
            throw new InvalidDataException($"'{path}' cannot be read: {e.Message}", e);
        }
    }

    private static void Guard(string path, Action read) => Guard(path, () =>
    {
        read();
        return true;
    });

    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No model file at '{Path.GetFullPath(path)}'.", path);
        }
    }

    /// <summary>
    /// True for a subclassed model that holds only built, tracked sub-layers (a VAE trained by a custom TrainStep,
    /// which never calls the model itself): it has every weight it will have, so its weights save and load.
    /// </summary>
    private bool HoldsOnlyBuiltLayers => Graph is null && this is not Sequential && OwnVariables.Count == 0
        && TrackedLayers.Count > 0 && TrackedLayers.All(l => l.Built);

    private void RequireBuiltForSaving(string method)
    {
        if (this is Sequential seq)
        {
            seq.TryBuildFromDeclaredShape();
        }
        if (!Built && !HoldsOnlyBuiltLayers)
        {
            throw new InvalidOperationException($"{method}: model '{Name}' is not built, so it has no weights yet. Call it on data, Fit it, or give it an input shape (Keras.Input) first.");
        }
    }
}
