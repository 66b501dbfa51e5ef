using SharpKeras.Layers;

namespace SharpKeras.Bench;

/// <summary>keras-io text_classification_with_transformer's TokenAndPositionEmbedding: a token Embedding plus a learned position Embedding.</summary>
internal sealed class TokenAndPositionEmbedding : Layer
{
    private readonly Embedding _tokenEmb;
    private readonly Embedding _posEmb;
    private readonly int _embedDim;

    /// <summary>Embeddings for <paramref name="vocabSize"/> words and <paramref name="maxlen"/> positions, <paramref name="embedDim"/> wide.</summary>
    public TokenAndPositionEmbedding(int maxlen, int vocabSize, int embedDim)
    {
        _tokenEmb = Track(new Embedding(inputDim: vocabSize, outputDim: embedDim));
        _posEmb = Track(new Embedding(inputDim: maxlen, outputDim: embedDim));
        _embedDim = embedDim;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var positions = _posEmb.Apply(Ops.Arange(start: 0, stop: inputs.Shape[-1], step: 1));
        // Keras's Embedding casts float ids to int32 itself; SharpKeras's asks for integer ids, and the harness's data are floats.
        return _tokenEmb.Apply(Ops.Cast(inputs, DType.Int32)) + positions;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new([.. inputShape.Dims, _embedDim]);
}
