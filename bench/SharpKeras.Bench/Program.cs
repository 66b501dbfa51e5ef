// The SharpKeras benchmark harness: `dotnet run -c Release --project bench/SharpKeras.Bench -- <suite> [options]`.
// See bench/README.md.
using Spectre.Console;

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 160; // a log file need not wrap the tables at 80 columns
}
return SharpKeras.Bench.BenchApp.Run(args, AnsiConsole.Console);
