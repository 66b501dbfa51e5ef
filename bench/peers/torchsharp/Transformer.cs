using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// keras-io text_classification_with_transformer's TokenAndPositionEmbedding: word ids (the harness's floats,
/// cast to int64) through a token Embedding plus a learned position Embedding; Keras's uniform(-0.05, 0.05) init.
/// </summary>
internal sealed class TokenAndPositionEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Embedding _tokenEmb;
    private readonly TorchSharp.Modules.Embedding _posEmb;

    public TokenAndPositionEmbedding(string name, long maxlen, long vocabSize, long embedDim) : base(name)
    {
        _tokenEmb = nn.Embedding(vocabSize, embedDim);
        _posEmb = nn.Embedding(maxlen, embedDim);
        using (no_grad())
        {
            nn.init.uniform_(_tokenEmb.weight!, -0.05, 0.05);
            nn.init.uniform_(_posEmb.weight!, -0.05, 0.05);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var ids = x.to_type(ScalarType.Int64);
        var positions = torch.arange(0L, ids.shape[^1], 1L, dtype: ScalarType.Int64);
        return _tokenEmb.forward(ids) + _posEmb.forward(positions);
    }
}

/// <summary>
/// keras-io's TransformerBlock: Keras's MultiHeadAttention (key_dim = embed_dim per head, so the heads are wider
/// than the model, which torch's nn.MultiheadAttention cannot express: query/key/value projections to
/// heads x key_dim, scaled dot-product softmax, output projection), dropout, residual, LayerNorm(1e-6), then
/// Dense(ff, relu), Dense(embed), dropout, residual, LayerNorm(1e-6). Kernels glorot_uniform on their 2-D view, biases zero.
/// </summary>
internal sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear _query;
    private readonly TorchSharp.Modules.Linear _key;
    private readonly TorchSharp.Modules.Linear _value;
    private readonly TorchSharp.Modules.Linear _output;
    private readonly TorchSharp.Modules.Linear _ffn1;
    private readonly TorchSharp.Modules.Linear _ffn2;
    private readonly TorchSharp.Modules.LayerNorm _layernorm1;
    private readonly TorchSharp.Modules.LayerNorm _layernorm2;
    private readonly TorchSharp.Modules.Dropout _dropout1;
    private readonly TorchSharp.Modules.Dropout _dropout2;
    private readonly long _heads;
    private readonly long _keyDim;

    public TransformerBlock(string name, long embedDim, long numHeads, long ffDim, double rate) : base(name)
    {
        _heads = numHeads;
        _keyDim = embedDim;
        _query = Dense(embedDim, numHeads * embedDim);
        _key = Dense(embedDim, numHeads * embedDim);
        _value = Dense(embedDim, numHeads * embedDim);
        _output = Dense(numHeads * embedDim, embedDim);
        _ffn1 = Dense(embedDim, ffDim);
        _ffn2 = Dense(ffDim, embedDim);
        _layernorm1 = nn.LayerNorm(new long[] { embedDim }, 1e-6);
        _layernorm2 = nn.LayerNorm(new long[] { embedDim }, 1e-6);
        _dropout1 = nn.Dropout(rate);
        _dropout2 = nn.Dropout(rate);
        RegisterComponents();
    }

    private static TorchSharp.Modules.Linear Dense(long inputs, long units)
    {
        var linear = nn.Linear(inputs, units);
        using (no_grad())
        {
            nn.init.xavier_uniform_(linear.weight!);
            nn.init.zeros_(linear.bias!);
        }
        return linear;
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1];
        Tensor Heads(Tensor y) => y.reshape(b, t, _heads, _keyDim).transpose(1, 2);
        var q = Heads(_query.forward(x)) * (1.0 / Math.Sqrt(_keyDim));
        var k = Heads(_key.forward(x));
        var v = Heads(_value.forward(x));
        var scores = softmax(q.matmul(k.transpose(-2, -1)), -1);
        var attention = scores.matmul(v).transpose(1, 2).reshape(b, t, _heads * _keyDim);
        var attnOutput = _dropout1.forward(_output.forward(attention));
        var out1 = _layernorm1.forward(x + attnOutput);
        var ffnOutput = _dropout2.forward(_ffn2.forward(_ffn1.forward(out1).relu()));
        return _layernorm2.forward(out1 + ffnOutput);
    }
}

/// <summary>Keras's GlobalAveragePooling1D: the mean over the steps (axis 1).</summary>
internal sealed class GlobalAveragePooling1D : nn.Module<Tensor, Tensor>
{
    public GlobalAveragePooling1D(string name) : base(name)
    {
    }

    public override Tensor forward(Tensor x) => x.mean(new long[] { 1 });
}
