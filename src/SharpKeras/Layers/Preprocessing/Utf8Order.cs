using System.Text;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>Orders strings by their UTF-8 bytes, as NumPy sorts the bytes TensorFlow hands back (adapt's tie-break).</summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }
        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
