using System.IO.Compression;
using System.Text;

namespace SharpKeras.Tests.Saving;

/// <summary>Builds hostile zip archives for the reader tests: bombs, forged sizes, duplicate entries, flipped bits.</summary>
internal static class ZipForge
{
    /// <summary>An entry's content: bytes written as they are, or <c>Zeros</c> bytes of '0x20' streamed without a buffer of that size.</summary>
    public sealed record Entry(string Name, byte[]? Data = null, long Zeros = 0, byte Fill = 0, string? Prefix = null);

    /// <summary>Writes the entries (deflated when <paramref name="deflate"/>) to <paramref name="path"/>.</summary>
    public static void Write(string path, bool deflate, params Entry[] entries)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var e in entries)
        {
            var entry = zip.CreateEntry(e.Name, deflate ? CompressionLevel.SmallestSize : CompressionLevel.NoCompression);
            using var s = entry.Open();
            if (e.Data is not null)
            {
                s.Write(e.Data);
            }
            if (e.Prefix is not null)
            {
                s.Write(Encoding.UTF8.GetBytes(e.Prefix));
            }
            var block = new byte[1 << 20];
            Array.Fill(block, e.Fill);
            for (long left = e.Zeros; left > 0; left -= block.Length)
            {
                s.Write(block, 0, (int)Math.Min(left, block.Length));
            }
        }
    }

    /// <summary>The entries of an existing zip, in order, as bytes.</summary>
    public static List<Entry> ReadEntries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return [.. zip.Entries.Select(e =>
        {
            using var s = e.Open();
            var ms = new MemoryStream();
            s.CopyTo(ms);
            return new Entry(e.FullName, ms.ToArray());
        })];
    }

    /// <summary>Rewrites the uncompressed size every header of <paramref name="name"/> declares (a lying archive).</summary>
    public static void ForgeDeclaredSize(string path, string name, uint size)
    {
        var bytes = File.ReadAllBytes(path);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        int patched = 0;
        for (int i = 0; i + 46 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4b)
            {
                if (bytes[i + 2] == 3 && bytes[i + 3] == 4 && NameAt(bytes, i + 30, BitConverter.ToUInt16(bytes, i + 26), nameBytes))
                {
                    BitConverter.TryWriteBytes(bytes.AsSpan(i + 22), size);
                    patched++;
                }
                else if (bytes[i + 2] == 1 && bytes[i + 3] == 2 && NameAt(bytes, i + 46, BitConverter.ToUInt16(bytes, i + 28), nameBytes))
                {
                    BitConverter.TryWriteBytes(bytes.AsSpan(i + 24), size);
                    patched++;
                }
            }
        }
        if (patched != 2)
        {
            throw new InvalidOperationException($"expected a local and a central header for {name}, patched {patched}");
        }
        File.WriteAllBytes(path, bytes);
    }

    private static bool NameAt(byte[] bytes, int at, int length, byte[] name) =>
        length == name.Length && at + length <= bytes.Length && bytes.AsSpan(at, length).SequenceEqual(name);

    /// <summary>Flips one bit of the stored data of <paramref name="name"/> (a stored, uncompressed entry) at <paramref name="offset"/> into it.</summary>
    public static void FlipBit(string path, string name, int offset)
    {
        var bytes = File.ReadAllBytes(path);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        for (int i = 0; i + 30 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4b && bytes[i + 2] == 3 && bytes[i + 3] == 4
                && NameAt(bytes, i + 30, BitConverter.ToUInt16(bytes, i + 26), nameBytes))
            {
                int data = i + 30 + BitConverter.ToUInt16(bytes, i + 26) + BitConverter.ToUInt16(bytes, i + 28);
                bytes[data + offset] ^= 0x10;
                File.WriteAllBytes(path, bytes);
                return;
            }
        }
        throw new InvalidOperationException($"no local header for {name}");
    }
}
