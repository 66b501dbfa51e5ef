using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Bench;

/// <summary>keras-io text_classification_with_transformer's TransformerBlock: self-attention and a feed-forward pair, each with dropout, a residual and LayerNormalization(1e-6).</summary>
internal sealed class TransformerBlock : Layer
{
    private readonly MultiHeadAttention _att;
    private readonly Sequential _ffn;
    private readonly LayerNormalization _layernorm1;
    private readonly LayerNormalization _layernorm2;
    private readonly Dropout _dropout1;
    private readonly Dropout _dropout2;

    /// <summary>
    /// The block for <paramref name="embedDim"/>-wide tokens (key_dim = embed_dim, as the keras-io example);
    /// <paramref name="flashAttention"/> false keeps MultiHeadAttention on the plain composition, for the fused kernel's comparison.
    /// </summary>
    public TransformerBlock(int embedDim, int numHeads, int ffDim, double rate, bool? flashAttention = null)
    {
        _att = Track(new MultiHeadAttention(numHeads: numHeads, keyDim: embedDim, flashAttention: flashAttention));
        _ffn = Track(new Sequential([new Dense(ffDim, activation: "relu"), new Dense(embedDim)]));
        _layernorm1 = Track(new LayerNormalization(epsilon: 1e-6));
        _layernorm2 = Track(new LayerNormalization(epsilon: 1e-6));
        _dropout1 = Track(new Dropout(rate));
        _dropout2 = Track(new Dropout(rate));
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var attnOutput = _dropout1.Apply(_att.Apply(inputs, inputs, training: training), training);
        var out1 = _layernorm1.Apply(inputs + attnOutput, training);
        var ffnOutput = _dropout2.Apply(_ffn.Apply(out1, training), training);
        return _layernorm2.Apply(out1 + ffnOutput, training);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
}
