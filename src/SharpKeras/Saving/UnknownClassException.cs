namespace SharpKeras.Saving;

/// <summary>A config names a class that is neither built in nor registered.</summary>
public sealed class UnknownClassException(string message, string className) : FormatException(message)
{
    /// <summary>The class (or registered name) the config asked for.</summary>
    public string ClassName { get; } = className;
}
