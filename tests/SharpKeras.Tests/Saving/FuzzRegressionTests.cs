using SharpKeras.Fuzz;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Replays every input the fuzzer (fuzz/) found crashing a reader, plus its seed corpus: each must load
/// or fail with a clear load error (InvalidDataException or FormatException), never anything else.
/// </summary>
public sealed class FuzzRegressionTests
{
    /// <summary>The checkout's root (the folder holding SharpKeras.sln), found by walking up from the test binaries.</summary>
    private static string? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SharpKeras.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        var root = Root() ?? throw new InvalidOperationException("SharpKeras.sln not found above the test binaries");
        foreach (var corpus in new[] { Path.Combine("tests", "SharpKeras.Tests", "Saving", "FuzzRegressions"), Path.Combine("fuzz", "corpus") })
        {
            foreach (var target in FuzzTargets.Extensions.Keys)
            {
                var dir = Path.Combine(root, corpus, target);
                if (Directory.Exists(dir))
                {
                    foreach (var file in Directory.EnumerateFiles(dir).Order())
                    {
                        data.Add(target, Path.GetRelativePath(root, file));
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ReaderAnswersAClearLoadErrorOrLoads(string target, string file)
    {
        var full = Path.Combine(Root()!, file);
        var dir = Directory.CreateTempSubdirectory("sk-fuzzreg-").FullName;
        try
        {
            var path = Path.Combine(dir, "input" + FuzzTargets.Extensions[target]);
            File.Copy(full, path);
            // The fuzzer's own reader entry (linked from fuzz/): anything but a clear load error escapes and fails the test.
            if (FuzzTargets.Run(target, path, weightsModel: null) is { } refused)
            {
                Assert.Contains(path, refused.Message);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
