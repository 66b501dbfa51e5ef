using System.Diagnostics;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>Saving respects the file system: permissions, symlinks, killed saves, full disks.</summary>
public sealed class SafeSavingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-safesave-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Model Wide(int units)
    {
        Config.SetRandomSeed(5);
        var input = Keras.Input([64], name: "x");
        return new Model(input, new Dense(4).Apply(new Dense(units, activation: "relu").Apply(input)));
    }

    private static readonly Tensor Probe = GradCheck.Random(1, -1, 1, 3, 64);

    private static void SaveAs(string format, Model model, string path)
    {
        switch (format)
        {
            case "npy":
                NumpyFile.Save(path, model.Weights[0].Value);
                break;
            case "weights.h5":
                model.SaveWeights(path);
                break;
            default:
                model.Save(path);
                break;
        }
    }

    /// <summary>What the file at <paramref name="path"/> holds, as numbers, to compare before and after.</summary>
    private static float[] Content(string format, string path, int units)
    {
        switch (format)
        {
            case "npy":
                return NumpyFile.Load(path).ToArray();
            case "weights.h5":
                var m = Wide(units);
                m.LoadWeights(path);
                return m.Predict(Probe, verbose: 0).ToArray();
            default:
                return Model.Load(path).Predict(Probe, verbose: 0).ToArray();
        }
    }

    private string[] Temporaries() => [.. Directory.EnumerateFiles(_dir, ".*.tmp", SearchOption.AllDirectories)];

    [Theory]
    [InlineData("keras")]
    [InlineData("h5")]
    [InlineData("weights.h5")]
    [InlineData("npy")]
    public void SavingKeepsTheTargetsPermissions(string format)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var path = Path.Combine(_dir, "m." + format);
        SaveAs(format, Wide(8), path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        SaveAs(format, Wide(8), path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.UserExecute);
        SaveAs(format, Wide(8), path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData("keras")]
    [InlineData("h5")]
    public void SavingThroughASymlinkReplacesItsTargetAndKeepsTheLink(string format)
    {
        var real = Directory.CreateDirectory(Path.Combine(_dir, "store")).FullName;
        var target = Path.Combine(real, "model." + format);
        Wide(8).Save(target);
        var link = Path.Combine(_dir, "current." + format);
        File.CreateSymbolicLink(link, target);
        var model = Wide(16);
        model.Save(link);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal(target, new FileInfo(link).ResolveLinkTarget(true)!.FullName);
        Assert.Equal(model.Predict(Probe, verbose: 0).ToArray(), Model.Load(target).Predict(Probe, verbose: 0).ToArray());
        Assert.Empty(Temporaries());
    }

    [Theory]
    [InlineData("keras")]
    [InlineData("h5")]
    [InlineData("weights.h5")]
    [InlineData("npy")]
    public void KilledSaveLeavesTheOldFileLoadableAndTheNextSaveRemovesItsTemporary(string format)
    {
        var path = Path.Combine(_dir, "m." + format);
        SaveAs(format, Wide(8), path);
        var expected = Content(format, path, 8);
        // A save killed mid-write leaves a temporary of our naming whose process is gone.
        int deadPid = DeadPid();
        var stale = Path.Combine(_dir, $".m.{format}.{deadPid}-0badc0de.tmp");
        File.WriteAllBytes(stale, new byte[100_000]);
        var ours = Path.Combine(_dir, $".m.{format}.{Environment.ProcessId}-feedf00d.tmp");
        File.WriteAllBytes(ours, new byte[10]);
        var foreign = Path.Combine(_dir, $".other.{format}.{deadPid}-0badc0de.tmp");
        File.WriteAllBytes(foreign, new byte[10]);
        Assert.Equal(expected, Content(format, path, 8));

        SaveAs(format, Wide(8), path);
        Assert.False(File.Exists(stale), "the killed save's temporary file survived the next save");
        Assert.False(File.Exists(ours), "this process's abandoned temporary file survived the next save");
        Assert.True(File.Exists(foreign), "a temporary file of another target was removed");
        File.Delete(foreign);
        Assert.Empty(Temporaries());
        Assert.Equal(expected, Content(format, path, 8));
    }

    [Fact]
    public void ATemporaryOfALiveProcessIsLeftAlone()
    {
        var path = Path.Combine(_dir, "m.keras");
        var live = Path.Combine(_dir, $".m.keras.1-0badc0de.tmp");
        File.WriteAllBytes(live, new byte[10]);
        Wide(8).Save(path);
        // PID 1 (init) always runs: its temporary might be a save in progress.
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void FailedSaveNamesTheUsersPathAndLeavesNoTemporary()
    {
        var path = Path.Combine(_dir, "sub", "m.keras");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Wide(8).Save(path);
        // A directory where the new file must go: the rename fails after the temporary was written.
        var blocked = Path.Combine(_dir, "sub", "dir.keras");
        Directory.CreateDirectory(blocked);
        var e = Assert.ThrowsAny<IOException>(() => Wide(8).Save(blocked));
        Assert.Contains($"'{blocked}'", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.Empty(Temporaries());
    }

    [TmpfsFact]
    public void DiskFullForEveryFormatIsAClearErrorAndTheOldFileStaysIntact()
    {
        var mount = Path.Combine(_dir, "tiny");
        Directory.CreateDirectory(mount);
        Tmpfs.Mount(mount, "256k");
        try
        {
            foreach (var format in new[] { "keras", "h5", "weights.h5", "npy" })
            {
                var path = Path.Combine(mount, "m." + format);
                SaveAs(format, Wide(8), path);
                var expected = Content(format, path, 8);
                // 64x2048 float32 weights are 512 KiB: more than the whole file system.
                var e = Assert.ThrowsAny<IOException>(() => SaveAs(format, Wide(2048), path));
                Assert.Contains($"'{path}'", e.Message);
                Assert.Contains("No space left on device", e.Message);
                Assert.DoesNotContain(".tmp", e.Message);
                Assert.Equal(expected, Content(format, path, 8));
                Assert.Empty(Directory.EnumerateFiles(mount, ".*"));
                File.Delete(path);
            }
        }
        finally
        {
            Tmpfs.Unmount(mount);
        }
    }

    private static int DeadPid()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Process.GetProcessById(pid).Dispose();
                }
                catch (ArgumentException)
                {
                    return pid;
                }
            }
        }
    }
}

/// <summary>Mounts a tiny tmpfs to fill up (needs root and a kernel that allows it).</summary>
internal static class Tmpfs
{
    public static readonly string? Unavailable = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/bin/mount") && !File.Exists("/usr/bin/mount"))
        {
            return "needs Linux, root and mount(8) to create a small tmpfs";
        }
        var dir = Directory.CreateTempSubdirectory("sk-tmpfs-probe-").FullName;
        try
        {
            if (Run("mount", $"-t tmpfs -o size=16k tmpfs {dir}") != 0)
            {
                return "mount -t tmpfs is not permitted here";
            }
            Run("umount", dir);
            return null;
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    public static void Mount(string dir, string size) => Assert.Equal(0, Run("mount", $"-t tmpfs -o size={size} tmpfs {dir}"));

    public static void Unmount(string dir) => Run("umount", dir);

    private static int Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.WaitForExit();
        return p.ExitCode;
    }
}

/// <summary>A fact that needs a small tmpfs to fill; skipped visibly when mounting one is not allowed.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when tmpfs cannot be mounted.</summary>
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
