namespace SharpKeras.Tests;

/// <summary>
/// Tests that measure allocations run alone: recurrent layers trained at the same time by other
/// test classes share the engine's buffers and would make a measured step allocate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Isolated (allocation measurements)";
}
