namespace SharpKeras.Tests.Saving;

/// <summary>
/// Tests that lower or raise the process-wide <see cref="SharpKeras.Saving.LoadLimits"/> run in this
/// collection, alone: beside other classes, a limit of 100 bytes set for one test makes another class's
/// load of a real model fail.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadLimitsCollection
{
    /// <summary>The collection's name for <c>[Collection(...)]</c>.</summary>
    public const string Name = "LoadLimits";
}
