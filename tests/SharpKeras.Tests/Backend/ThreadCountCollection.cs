namespace SharpKeras.Tests.Backend;

/// <summary>
/// Tests that set the process-wide <see cref="Config.Threads"/> run in this collection, alone: run
/// beside other classes, one could change the thread count under another and a test of "the result
/// does not depend on the thread count" would pass without ever running on two threads.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    /// <summary>The collection's name for <c>[Collection(...)]</c>.</summary>
    public const string Name = "Config.Threads";
}
