namespace SharpKeras.Backend.Reference;

/// <summary>What the reference recurrent kernel reads of this backend's packings.</summary>
internal sealed partial class ReferenceBackend
{
    /// <summary>The values of a (k, n) matrix this backend packed, or <paramref name="values"/> when <paramref name="packed"/> is not one.</summary>
    internal static ReadOnlySpan<float> Unpacked(PackedMatrix? packed, ReadOnlySpan<float> values, int k, int n) =>
        packed is Copy copy && copy.K == k && copy.N == n ? copy.Values : values;
}
