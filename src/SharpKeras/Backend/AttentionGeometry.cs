namespace SharpKeras.Backend;

/// <summary>
/// The sizes of one dot-product attention call in Keras's (batch, time, heads, features) layout:
/// query (Batch, QueryLength, Heads, KeyDim), key (Batch, KeyLength, Heads, KeyDim), value
/// (Batch, KeyLength, Heads, ValueDim); an additive bias, when given, is read at
/// b * BiasBatchStride + n * BiasHeadStride + i * KeyLength + j (a stride of 0 broadcasts it).
/// </summary>
internal readonly record struct AttentionGeometry(int Batch, int Heads, int QueryLength, int KeyLength, int KeyDim, int ValueDim,
    float Scale, bool Causal, long BiasBatchStride, long BiasHeadStride)
{
    /// <summary>The logit a causally hidden entry (key after query) takes: Keras's large negative number for float32.</summary>
    public const float LargeNegative = -1e9f;

    /// <summary>Rows whose largest logit is below this saw only hidden keys, and so spread over every key as Keras's softmax does.</summary>
    public const float AllHiddenThreshold = -5e8f;
}
