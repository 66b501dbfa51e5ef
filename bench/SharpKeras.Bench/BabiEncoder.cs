using SharpKeras.Layers;

namespace SharpKeras.Bench;

/// <summary>
/// keras/examples/babi_rnn.py's two encoders on one input row: the first <c>storyLength</c> words are the
/// story, the rest the question; each goes through its own Embedding and LSTM (last output), and the two
/// encodings are concatenated, as the example's two-input functional model does before its Dense softmax.
/// </summary>
internal sealed class BabiEncoder : Layer
{
    private readonly int _storyLength;
    private readonly int _units;
    private readonly Embedding _storyEmbedding;
    private readonly Embedding _questionEmbedding;
    private readonly LSTM _storyRnn;
    private readonly LSTM _questionRnn;

    /// <summary>The encoders for a <paramref name="vocabSize"/>-word vocabulary, <paramref name="embedDim"/>-wide embeddings and <paramref name="units"/>-unit LSTMs.</summary>
    public BabiEncoder(int storyLength, int vocabSize, int embedDim, int units)
    {
        _storyLength = storyLength;
        _units = units;
        _storyEmbedding = Track(new Embedding(inputDim: vocabSize, outputDim: embedDim));
        _questionEmbedding = Track(new Embedding(inputDim: vocabSize, outputDim: embedDim));
        _storyRnn = Track(new LSTM(units));
        _questionRnn = Track(new LSTM(units));
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var ids = Ops.Cast(inputs, DType.Int32);
        int length = inputs.Shape[-1];
        var story = Ops.Slice(ids, [0, 0], [ids.Shape[0], _storyLength]);
        var question = Ops.Slice(ids, [0, _storyLength], [ids.Shape[0], length - _storyLength]);
        var encodedStory = _storyRnn.Apply(_storyEmbedding.Apply(story), training);
        var encodedQuestion = _questionRnn.Apply(_questionEmbedding.Apply(question), training);
        return Ops.Concatenate([encodedStory, encodedQuestion], axis: -1);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new([inputShape[0], 2 * _units]);
}
