namespace SharpKeras.Cli;

/// <summary>Entry point of the <c>sharpkeras</c> command.</summary>
public static class Program
{
    /// <summary>Runs a command; errors go to stderr with a non-zero exit code, never as an unhandled exception.</summary>
    public static int Main(string[] args)
    {
        try
        {
            return CliApp.Run(args, Console.Out, Console.Error);
        }
        catch (Exception e)
        {
            // CliApp.Run handles everything it can; this covers failures writing to the console itself.
            Console.Error.WriteLine($"sharpkeras: error: {CliApp.Innermost(e).Message}");
            return 1;
        }
    }
}
