// The SharpKeras benchmark harness: `dotnet run -c Release --project bench/SharpKeras.Bench -- <suite> [options]`.
// See bench/README.md.
using Spectre.Console;

return SharpKeras.Bench.BenchApp.Run(args, AnsiConsole.Console);
