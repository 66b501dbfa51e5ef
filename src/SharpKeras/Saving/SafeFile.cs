namespace SharpKeras.Saving;

/// <summary>
/// The file habits every reader and writer shares: a target is only ever replaced whole (written to a
/// temporary file in the same folder, then renamed), and reads name the file when its data is corrupt.
/// </summary>
internal static class SafeFile
{
    /// <summary>
    /// Replaces <paramref name="target"/> with what <paramref name="produce"/> writes (and checks) at the
    /// temporary path it is given. A symlink is followed (its final target is replaced, the link kept);
    /// the replaced file's permissions are kept; on any failure the temporary file is removed, the target
    /// is untouched and the error names <paramref name="target"/>. Temporary files of earlier saves of the
    /// same target whose process has died (a killed save) are removed first.
    /// </summary>
    public static T Replace<T>(string target, Func<string, T> produce)
    {
        var full = ResolveTarget(Path.GetFullPath(target));
        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        RemoveStaleTemporaries(dir, name);
        var tmp = Path.Combine(dir, TempPrefix(name) + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + TempSuffix);
        lock (Active)
        {
            Active.Add(tmp);
        }
        try
        {
            var result = produce(tmp);
            KeepMode(full, tmp);
            File.Move(tmp, full, overwrite: true);
            return result;
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot save '{target}': {Scrub(e.Message, tmp, full)}. {Unchanged(full)}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot save '{target}': {Scrub(e.Message, tmp, full)}. {Unchanged(full)}", e);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is IOException io)
        {
            // The HDF5 writer calls its encoders by reflection, so a full disk arrives wrapped.
            throw new IOException($"Cannot save '{target}': {Scrub(io.Message, tmp, full)}. {Unchanged(full)}", io);
        }
        finally
        {
            TryDelete(tmp);
            lock (Active)
            {
                Active.Remove(tmp);
            }
        }
    }

    private const string TempSuffix = ".tmp";

    /// <summary>Temporary files of saves in progress in this process (never cleaned up as stale).</summary>
    private static readonly HashSet<string> Active = new(StringComparer.Ordinal);

    /// <summary>Our temporary name for <paramref name="name"/> starts with this, followed by "PID-RANDOM.tmp".</summary>
    internal static string TempPrefix(string name) => "." + name + ".";

    private static string Unchanged(string full) => File.Exists(full) ? $"The existing '{full}' is unchanged." : "No file was written.";

    /// <summary>Errors from the file system name the hidden temporary file; the user knows only their own path.</summary>
    private static string Scrub(string message, string tmp, string full) => message.Replace(tmp, full, StringComparison.Ordinal).TrimEnd('.');

    /// <summary>The file a path finally names: a symlink (chain) is followed so that saving replaces its target, not the link.</summary>
    private static string ResolveTarget(string full)
    {
        try
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is null)
            {
                return full;
            }
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            return final is null ? full : Path.GetFullPath(final.FullName);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot save '{full}': its symbolic link cannot be followed ({e.Message}).", e);
        }
    }

    /// <summary>Gives the new file the permissions of the one it replaces (a new file keeps the umask's default).</summary>
    private static void KeepMode(string full, string tmp)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(full))
        {
            return;
        }
        File.SetUnixFileMode(tmp, File.GetUnixFileMode(full));
    }

    /// <summary>
    /// Removes ".NAME.PID-RANDOM.tmp" files left beside <paramref name="name"/> by a save that was killed:
    /// those whose process no longer runs, or this process's own that no save here is writing.
    /// </summary>
    private static void RemoveStaleTemporaries(string dir, string name)
    {
        string prefix = TempPrefix(name);
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(dir, prefix + "*" + TempSuffix).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var file in candidates)
        {
            var middle = Path.GetFileName(file)[prefix.Length..^TempSuffix.Length];
            int dash = middle.IndexOf('-');
            if (dash <= 0 || !int.TryParse(middle.AsSpan(0, dash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }
            bool stale;
            if (pid == Environment.ProcessId)
            {
                lock (Active)
                {
                    stale = !Active.Contains(file);
                }
            }
            else
            {
                stale = !ProcessRuns(pid);
            }
            if (stale)
            {
                TryDelete(file);
            }
        }
    }

    private static bool ProcessRuns(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads up to <c>buffer.Length</c> bytes (fewer only at the end of the stream); a decompression
    /// failure becomes an <see cref="InvalidDataException"/> naming <paramref name="file"/>.
    /// </summary>
    public static int ReadFull(Stream stream, Span<byte> buffer, string file, string hint)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            var message = $"'{file}' is corrupt: its compressed data cannot be decompressed ({ex.Message}).";
            throw new InvalidDataException(hint.Length == 0 ? message : message + " " + hint, ex);
        }
    }

    /// <summary>Deletes a file, ignoring failures (used to clean up temporary files).</summary>
    public static void TryDelete(string file)
    {
        try
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
