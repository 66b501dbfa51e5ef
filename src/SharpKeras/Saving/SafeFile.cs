namespace SharpKeras.Saving;

/// <summary>
/// The file habits every reader and writer shares: a target is only ever replaced whole (written to a
/// temporary file in the same folder, then renamed), and reads name the file when its data is corrupt.
/// </summary>
internal static class SafeFile
{
    /// <summary>
    /// Replaces <paramref name="target"/> with what <paramref name="produce"/> writes (and checks) at the
    /// temporary path it is given; on any failure the temporary file is removed and the target untouched.
    /// </summary>
    public static T Replace<T>(string target, Func<string, T> produce)
    {
        var full = Path.GetFullPath(target);
        var dir = Path.GetDirectoryName(full)!;
        var tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            var result = produce(tmp);
            File.Move(tmp, full, overwrite: true);
            return result;
        }
        finally
        {
            TryDelete(tmp);
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
