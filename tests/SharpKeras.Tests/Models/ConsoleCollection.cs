namespace SharpKeras.Tests.Models;

/// <summary>Tests that redirect the process-wide Console.Out run alone, so no other test's output lands in what they read.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
