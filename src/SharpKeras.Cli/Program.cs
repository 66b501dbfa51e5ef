namespace SharpKeras.Cli;

/// <summary>Entry point of the <c>sharpkeras</c> command.</summary>
public static class Program
{
    /// <summary>Runs a command; errors go to stderr with a non-zero exit code.</summary>
    public static int Main(string[] args) => CliApp.Run(args, Console.Out, Console.Error);
}
