using SharpFuzz;
using SharpKeras.Fuzz;

// Usage: SharpKeras.Fuzz TARGET            (under afl-fuzz: reads each input from stdin)
//        SharpKeras.Fuzz TARGET FILE...    (replays files, e.g. a crash, outside the fuzzer)
//        SharpKeras.Fuzz seeds DIR         (writes the generated seed corpus to DIR/TARGET/)
if (args.Length == 0 || args[0] != "seeds" && !FuzzTargets.Extensions.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"usage: SharpKeras.Fuzz {string.Join("|", FuzzTargets.Extensions.Keys)} [FILE...] | seeds DIR");
    return 2;
}
if (args[0] == "seeds")
{
    Seeds.Write(args[1]);
    return 0;
}
string target = args[0];
// Built lazily: under the fuzzer, instrumented SharpKeras code may run only once SharpFuzz has set up the coverage map.
SharpKeras.Models.Model? model = null;
var dir = Directory.CreateTempSubdirectory("sk-fuzz-").FullName;
var path = Path.Combine(dir, "input" + FuzzTargets.Extensions[target]);
if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        // The readers pick the format by extension, as the fuzzer's own runs do.
        File.Copy(file, path, overwrite: true);
        model ??= target == "weights" ? FuzzTargets.TinyModel() : null;
        try
        {
            FuzzTargets.Run(target, path, model);
        }
        catch (Exception e)
        {
            Console.WriteLine($"{file}: CRASH {e}");
            return 1;
        }
        Console.WriteLine($"{file}: ok");
    }
    return 0;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using (var fs = new FileStream(path, FileMode.Create, FileAccess.Write))
    {
        stream.CopyTo(fs);
    }
    model ??= target == "weights" ? FuzzTargets.TinyModel() : null;
    FuzzTargets.Run(target, path, model);
});
return 0;
