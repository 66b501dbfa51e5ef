namespace SharpKeras.Saving;

/// <summary>
/// A config that cannot be read (Keras's ValueError / TypeError from from_config): the message names
/// the object (class and name), the field, and what was expected versus found.
/// </summary>
public sealed class ConfigException(string message, Exception? inner = null) : FormatException(message, inner);
