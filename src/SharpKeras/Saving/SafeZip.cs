using System.IO.Compression;

namespace SharpKeras.Saving;

/// <summary>
/// Zip reading that cannot hurt the reader: every entry's inflated size is checked against the size the
/// archive declares and against <see cref="LoadLimits"/> before anything is allocated, inflation stops at
/// the declared size, and the CRC-32 is verified when the entry has been read.
/// </summary>
internal static class SafeZip
{
    /// <summary>Opens the archive at <paramref name="path"/>; a damaged central directory is an error naming the file.</summary>
    public static ZipArchive Open(string path, string kind)
    {
        FileStream fs;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"No {kind} file at '{Path.GetFullPath(path)}'.", path, e);
        }
        try
        {
            return new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            fs.Dispose();
            throw new InvalidDataException($"'{path}' is not a readable {kind} file (not a zip archive, or a truncated or corrupt one): {e.Message}", e);
        }
    }

    /// <summary>The one entry named <paramref name="name"/>, or null; two entries of that name are an error (readers disagree on which one counts).</summary>
    public static ZipArchiveEntry? Single(ZipArchive zip, string name, string path)
    {
        ZipArchiveEntry? found = null;
        foreach (var e in zip.Entries)
        {
            if (e.FullName == name)
            {
                if (found is not null)
                {
                    throw new InvalidDataException($"'{path}' holds the entry '{name}' twice; a valid file has exactly one (Python's zipfile would read the last, SharpKeras refuses to guess).");
                }
                found = e;
            }
        }
        return found;
    }

    /// <summary>Rejects an entry whose declared size exceeds <paramref name="cap"/> or whose compression ratio is implausible, before inflating it.</summary>
    public static void CheckSize(ZipArchiveEntry entry, string where, long cap, string capName)
    {
        long length = entry.Length;
        long stored = entry.CompressedLength;
        if (length < 0 || stored < 0)
        {
            throw new InvalidDataException($"'{where}' declares a negative size ({length} inflated, {stored} stored); the zip is corrupt.");
        }
        if (length > cap)
        {
            throw new InvalidDataException($"'{where}' declares {length:N0} bytes once inflated, more than the limit of {cap:N0} bytes (LoadLimits.{capName}); raise the limit if the file is trusted.");
        }
        int ratio = LoadLimits.MaxCompressionRatio;
        if (length > LoadLimits.RatioFloorBytes && length / Math.Max(stored, 1) > ratio)
        {
            throw new InvalidDataException($"'{where}' inflates {stored:N0} stored bytes to {length:N0} (ratio {length / Math.Max(stored, 1):N0}:1, limit {ratio}:1, LoadLimits.MaxCompressionRatio); it looks like a zip bomb. Raise the limit if the file is trusted.");
        }
    }

    /// <summary>Reads a whole entry into memory after <see cref="CheckSize"/>; a short, long or CRC-damaged entry is an error naming it.</summary>
    public static byte[] ReadAll(ZipArchiveEntry entry, string where, long cap, string capName)
    {
        CheckSize(entry, where, cap, capName);
        var data = new byte[entry.Length];
        using var s = OpenChecked(entry, where);
        int got = s.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            throw new InvalidDataException($"'{where}' is truncated: the archive declares {data.Length:N0} bytes, the data holds {got:N0}.");
        }
        // Reading one more byte makes the checked stream verify the end: no excess data and the CRC-32.
        Span<byte> one = stackalloc byte[1];
        s.ReadAtLeast(one, 1, throwOnEndOfStream: false);
        return data;
    }

    /// <summary>Opens an entry through a stream that stops at the declared size and checks the CRC-32 at the end.</summary>
    public static Stream OpenChecked(ZipArchiveEntry entry, string where)
    {
        Stream inner;
        try
        {
            inner = entry.Open();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"'{where}' cannot be opened ({e.Message}); the zip is corrupt.", e);
        }
        return new CheckedEntryStream(inner, entry.Length, entry.Crc32, where);
    }

    /// <summary>CRC-32 (IEEE 802.3, the zip checksum) of <paramref name="data"/> continuing from <paramref name="crc"/>.</summary>
    public static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        crc = ~crc;
        int i = 0;
        // Slicing by 4: four table look-ups per 32-bit word instead of one per byte.
        for (; i + 4 <= data.Length; i += 4)
        {
            crc ^= (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            crc = table[768 + (int)(crc & 0xff)] ^ table[512 + (int)((crc >> 8) & 0xff)] ^ table[256 + (int)((crc >> 16) & 0xff)] ^ table[(int)(crc >> 24)];
        }
        for (; i < data.Length; i++)
        {
            crc = table[(int)((crc ^ data[i]) & 0xff)] ^ (crc >> 8);
        }
        return ~crc;
    }

    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[1024];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            t[n] = c;
        }
        for (int n = 0; n < 256; n++)
        {
            for (int s = 1; s < 4; s++)
            {
                t[s * 256 + n] = t[t[(s - 1) * 256 + n] & 0xff] ^ (t[(s - 1) * 256 + n] >> 8);
            }
        }
        return t;
    }

    /// <summary>A read-only view of an entry that never yields more than the declared size and verifies length and CRC-32 at its end.</summary>
    private sealed class CheckedEntryStream(Stream inner, long declared, uint expectedCrc, string where) : Stream
    {
        private long _read;
        private uint _crc;
        private bool _verified;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => declared;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }
            long left = declared - _read;
            if (left == 0)
            {
                Verify();
                return 0;
            }
            var target = buffer.Length > left ? buffer[..(int)left] : buffer;
            int n;
            try
            {
                n = inner.Read(target);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
            {
                throw new InvalidDataException($"'{where}' is corrupt: its compressed data cannot be inflated ({e.Message}).", e);
            }
            if (n == 0)
            {
                throw new InvalidDataException($"'{where}' is truncated: the archive declares {declared:N0} bytes, the data ends after {_read:N0}.");
            }
            _crc = Crc32(_crc, target[..n]);
            _read += n;
            return n;
        }

        private void Verify()
        {
            if (_verified)
            {
                return;
            }
            _verified = true;
            Span<byte> probe = stackalloc byte[1];
            int extra;
            try
            {
                extra = inner.Read(probe);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
            {
                throw new InvalidDataException($"'{where}' is corrupt: its compressed data cannot be inflated ({e.Message}).", e);
            }
            if (extra != 0)
            {
                throw new InvalidDataException($"'{where}' holds more data than the {declared:N0} bytes the archive declares; the zip is corrupt or forged.");
            }
            if (_crc != expectedCrc)
            {
                throw new InvalidDataException($"'{where}' fails its CRC-32 check (stored 0x{expectedCrc:x8}, computed 0x{_crc:x8}); the file is corrupt.");
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
