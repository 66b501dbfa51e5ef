using System.Text.Json.Nodes;

namespace SharpKeras.Saving;

/// <summary>
/// A class that rebuilds itself from its Keras config (Keras's <c>from_config</c> classmethod); its
/// instances write that config with GetConfig. Built-in classes register with one line in
/// <see cref="KerasSerializer"/>, custom ones with <see cref="KerasSerializer.Register{T}(string, string?)"/>;
/// the static member lets the registry call the constructor-like method without reflection, so it
/// stays NativeAOT- and trim-safe.
/// </summary>
public interface IKerasSerializable<TSelf> where TSelf : class, IKerasSerializable<TSelf>
{
    /// <summary>Makes an instance from its config (Keras's <c>cls.from_config(config)</c>).</summary>
    static abstract TSelf FromConfig(JsonObject config);
}
