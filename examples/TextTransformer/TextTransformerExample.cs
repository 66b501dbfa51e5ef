// keras-io "Text classification with Transformer" (examples/nlp/text_classification_with_transformer.py): a
// TransformerBlock and a TokenAndPositionEmbedding written as subclassed layers, GlobalAveragePooling1D, Dropout,
// Dense(20, relu), Dense(2, softmax); Adam and sparse categorical cross-entropy on IMDB padded to 200 words.
// IMDB from the Keras cache or --data when present (never downloaded here), else generated reviews of its shape.
using System.Diagnostics;
using System.Globalization;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>text_classification_with_transformer as a function the example program and the smoke test both run.</summary>
internal static class TextTransformerExample
{
    /// <summary>Transformer block as a layer.</summary>
    private sealed class TransformerBlock : Layer
    {
        private readonly MultiHeadAttention _att;
        private readonly Sequential _ffn;
        private readonly LayerNormalization _layernorm1;
        private readonly LayerNormalization _layernorm2;
        private readonly Dropout _dropout1;
        private readonly Dropout _dropout2;

        public TransformerBlock(int embedDim, int numHeads, int ffDim, double rate = 0.1)
        {
            // Python's `self.att = ...` tracks by assignment; C# says so with Track.
            _att = Track(new MultiHeadAttention(numHeads: numHeads, keyDim: embedDim));
            _ffn = Track(new Sequential([new Dense(ffDim, activation: "relu"), new Dense(embedDim)]));
            _layernorm1 = Track(new LayerNormalization(epsilon: 1e-6));
            _layernorm2 = Track(new LayerNormalization(epsilon: 1e-6));
            _dropout1 = Track(new Dropout(rate));
            _dropout2 = Track(new Dropout(rate));
        }

        protected override Tensor Call(Tensor inputs, bool training)
        {
            var attnOutput = _att.Apply(inputs, inputs, training: training);
            attnOutput = _dropout1.Apply(attnOutput, training);
            var out1 = _layernorm1.Apply(inputs + attnOutput, training);
            var ffnOutput = _ffn.Apply(out1, training);
            ffnOutput = _dropout2.Apply(ffnOutput, training);
            return _layernorm2.Apply(out1 + ffnOutput, training);
        }

        // Keras infers the output shape by tracing call(); a SharpKeras layer declares it.
        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    }

    /// <summary>Implement embedding layer: two separate embedding layers, one for tokens, one for token index (positions).</summary>
    private sealed class TokenAndPositionEmbedding : Layer
    {
        private readonly Embedding _tokenEmb;
        private readonly Embedding _posEmb;
        private readonly int _embedDim;

        public TokenAndPositionEmbedding(int maxlen, int vocabSize, int embedDim)
        {
            _tokenEmb = Track(new Embedding(inputDim: vocabSize, outputDim: embedDim));
            _posEmb = Track(new Embedding(inputDim: maxlen, outputDim: embedDim));
            _embedDim = embedDim;
        }

        protected override Tensor Call(Tensor x, bool training)
        {
            int maxlen = x.Shape[-1];
            var positions = Ops.Arange(start: 0, stop: maxlen, step: 1);
            positions = _posEmb.Apply(positions);
            x = _tokenEmb.Apply(x);
            return x + positions;
        }

        public override Shape ComputeOutputShape(Shape inputShape) => new([.. inputShape.Dims, _embedDim]);
    }

    /// <summary>Trains on <paramref name="samples"/> reviews cut to <paramref name="maxlen"/> words; returns the per-epoch losses and the RESULT line.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath,
        int maxlen = 200, int vocabSize = 20000, int embedDim = 32, int numHeads = 2, int ffDim = 32)
    {
        // vocabSize: only consider the top 20k words; maxlen: only consider the first 200 words of each movie review
        var ((xTrainSeqs, yTrain), (xValSeqs, yVal), source) = ImdbReviews.Load(vocabSize, samples, dataPath);
        if (verbose > 0)
        {
            Console.WriteLine($"{xTrainSeqs.Length} Training sequences ({source})");
            Console.WriteLine($"{xValSeqs.Length} Validation sequences");
        }
        var xTrain = Keras.Utils.PadSequences(xTrainSeqs, maxlen: maxlen);
        var xVal = Keras.Utils.PadSequences(xValSeqs, maxlen: maxlen);

        // Create classifier model using transformer layer
        // embedDim: embedding size for each token; numHeads: number of attention heads;
        // ffDim: hidden layer size in feed forward network inside transformer
        var inputs = Keras.Input([maxlen]);
        var embeddingLayer = new TokenAndPositionEmbedding(maxlen, vocabSize, embedDim);
        var x = embeddingLayer.Apply(inputs);
        var transformerBlock = new TransformerBlock(embedDim, numHeads, ffDim);
        x = transformerBlock.Apply(x);
        x = new GlobalAveragePooling1D().Apply(x);
        x = new Dropout(0.1).Apply(x);
        x = new Dense(20, activation: "relu").Apply(x);
        x = new Dropout(0.1).Apply(x);
        var outputs = new Dense(2, activation: "softmax").Apply(x);

        var model = new Model(inputs: inputs, outputs: outputs);
        if (verbose > 0)
        {
            model.Summary();
        }

        // Train and Evaluate
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var watch = Stopwatch.StartNew();
        var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, validationData: (xVal, yVal), verbose: verbose);
        double secondsPerEpoch = watch.Elapsed.TotalSeconds / epochs;

        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} accuracy={history["accuracy"][^1]:F4} val_accuracy={history["val_accuracy"][^1]:F4} seconds_per_epoch={secondsPerEpoch:F2} samples={xTrain.Shape[0]} maxlen={maxlen} data={(source.StartsWith("real", StringComparison.Ordinal) ? "imdb" : "generated")}");
        return (history["loss"], result);
    }
}
