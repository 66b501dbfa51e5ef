using SharpKeras.Layers;
using SharpKeras.Models;
using Xunit.Abstractions;

namespace SharpKeras.Onnx.Tests.Export;

/// <summary>Each exportable layer kind in a small model with seeded random weights, run by ONNX Runtime against Predict.</summary>
public sealed class LayerOnnxTests(ITestOutputHelper output)
{
    private static Sequential Seq(int[] inputShape, params Layer[] layers)
    {
        var model = new Sequential();
        model.Add(Keras.Input(inputShape));
        foreach (var l in layers)
        {
            model.Add(l);
        }
        return model;
    }

    private static readonly Dictionary<string, Func<Model>> Cases = new()
    {
        ["dense_relu_sigmoid_tanh_softmax"] = () => Seq([7], new Dense(9, activation: "relu"), new Dense(8, activation: "sigmoid"),
            new Dense(6, activation: "tanh", useBias: false), new Dense(5, activation: "softmax")),
        ["dense_on_sequence"] = () => Seq([4, 6], new Dense(3, activation: "relu")),
        ["conv1d_valid_same_causal_dilated"] = () => Seq([11, 3], new Conv1D(4, 3, padding: "same", activation: "relu"),
            new Conv1D(5, 2, strides: 2, padding: "valid"), new Conv1D(3, 2, padding: "causal", dilationRate: 2, activation: "tanh")),
        ["conv2d_same_strided_dilated"] = () => Seq([9, 8, 3], new Conv2D(4, 3, strides: 2, padding: "same", activation: "relu"),
            new Conv2D(5, (2, 3), padding: "valid"), new Conv2D(2, 2, padding: "same", dilationRate: 2)),
        ["depthwise_separable"] = () => Seq([8, 7, 3], new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, activation: "relu"),
            new SeparableConv2D(4, 3, strides: 2, padding: "same", depthMultiplier: 2), new DepthwiseConv2D((2, 3), strides: 2)),
        ["conv2d_transpose"] = () => Seq([5, 4, 3], new Conv2DTranspose(4, 3, strides: 2, padding: "same", activation: "relu"),
            new Conv2DTranspose(3, 3, strides: 2, padding: "valid"), new Conv2DTranspose(2, 1, strides: 2, padding: "same"),
            new Conv2DTranspose(2, 2, strides: 3, padding: "valid")),
        ["pooling_2d"] = () => Seq([9, 7, 3], new MaxPooling2D(2), new AveragePooling2D(2, padding: "same"),
            new MaxPooling2D(3, 1, padding: "same"), new GlobalAveragePooling2D(keepDims: true), new GlobalMaxPooling2D()),
        ["pooling_1d"] = () => Seq([10, 4], new MaxPooling1D(3, 2, padding: "same"), new AveragePooling1D(2), new GlobalMaxPooling1D()),
        ["global_average_1d"] = () => Seq([6, 4], new GlobalAveragePooling1D()),
        ["batchnorm_layernorm_dropout"] = () => Seq([5, 6], new BatchNormalization(), new Dropout(0.5), new LayerNormalization(epsilon: 1e-5),
            new Dense(3), new LayerNormalization(center: false, scale: false)),
        ["batchnorm_no_center_on_images"] = () => Seq([3, 4, 5], new BatchNormalization(center: false, epsilon: 1e-5)),
        ["reshaping"] = () => Seq([4, 6], new Reshape([2, 12]), new Permute([2, 1]), new Flatten(), new RepeatVector(3),
            new Reshape([3, 4, 6]), new ZeroPadding2D((1, 2), (0, 1)), new UpSampling2D((2, 3)), new SpatialDropout2D(0.3), new Activation("sigmoid")),
        ["embedding_lstm_gru_simplernn"] = () =>
        {
            var x = Keras.Input([9], DType.Int32, name: "tokens");
            var e = new Embedding(20, 6).Apply(x);
            var h = new LSTM(5, returnSequences: true).Apply(e);
            h = new GRU(4, returnSequences: true, goBackwards: true).Apply(h);
            h = new SimpleRNN(3, activation: "relu", returnSequences: true).Apply(h);
            h = new GRU(3, resetAfter: false, goBackwards: true).Apply(h);
            return new Model(x, new Dense(2).Apply(h));
        },
        ["lstm_go_backwards_no_bias"] = () => Seq([7, 3], new LSTM(4, useBias: false, goBackwards: true, returnSequences: true),
            new LSTM(3, recurrentActivation: "tanh", goBackwards: true), new Dense(2)),
        ["bidirectional_modes"] = () =>
        {
            var x = Keras.Input([6, 3]);
            var a = new Bidirectional(new LSTM(4, returnSequences: true)).Apply(x);
            var b = new Bidirectional(new GRU(4, returnSequences: true), mergeMode: "sum").Apply(a);
            var c = new Bidirectional(new SimpleRNN(4, returnSequences: true), mergeMode: "ave").Apply(b);
            var d = new Bidirectional(new LSTM(3), mergeMode: "mul").Apply(c);
            return new Model(x, d);
        },
        ["time_distributed"] = () => Seq([5, 6, 6, 2], new TimeDistributed(new Conv2D(3, 3, activation: "relu")),
            new TimeDistributed(new Flatten()), new TimeDistributed(new Dense(4)), new LSTM(3)),
        ["merging_functional"] = () =>
        {
            var a = Keras.Input([6], name: "input_a");
            var b = Keras.Input([6], name: "input_b");
            var da = new Dense(6, activation: "tanh").Apply(a);
            var db = new Dense(6).Apply(b);
            var merged = new Concatenate().Apply([
                new Add().Apply([da, db, a]), new Subtract().Apply([da, db]), new Multiply().Apply([da, db]),
                new Average().Apply([da, db, b]), new Maximum().Apply([da, db]), new Minimum().Apply([da, db]),
                new Dot(1).Apply([da, db]), new Dot(-1, normalize: true).Apply([da, b])]);
            return new Model([a, b], [new Dense(3, activation: "softmax", name: "probs").Apply(merged), new Dense(2, name: "score").Apply(merged)]);
        },
        ["nested_model"] = () =>
        {
            var inner = Seq([5], new Dense(4, activation: "relu"), new Dense(3));
            var x = Keras.Input([5]);
            return new Model(x, new Dense(2).Apply(inner.Apply(x)));
        },
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ExportedLayersMatchPredict(string name)
    {
        var model = Cases[name]();
        OnnxCheck.Randomize(model, 100);
        var inputs = model.Inputs.Count > 0
            ? model.Inputs.Select((t, i) => Input(t.Shape.ToArray()[1..], t.DType, 7 + i)).ToArray()
            : [Input(((Sequential)model).InputShape!.ToArray()[1..], DType.Float32, 7)];
        double err = OnnxCheck.MaxError(model, inputs);
        output.WriteLine($"{name}: max |ORT - Predict| = {err:G3}");
    }

    private static Tensor Input(int[] sample, DType dtype, int seed)
    {
        int[] shape = [3, .. sample];
        if (dtype == DType.Int32)
        {
            var rng = new Random(seed);
            return Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => rng.Next(20)).ToArray(), shape);
        }
        return OnnxCheck.Random(seed, -1, 1, shape);
    }

    [Fact]
    public void MaskingZeroesMaskedSteps()
    {
        var model = Seq([4, 3], new Masking(0.5), new Dense(2, activation: "tanh"), new Dropout(0.1));
        OnnxCheck.Randomize(model, 5);
        var x = OnnxCheck.Random(9, -1, 1, 2, 4, 3).ToArray();
        // Steps (0, 1) and (1, 3) equal mask_value in every feature; (1, 0) only in one.
        foreach (int step in new[] { 1, 7 })
        {
            x[3 * step] = x[3 * step + 1] = x[3 * step + 2] = 0.5f;
        }
        x[12] = 0.5f;
        double err = OnnxCheck.MaxError(model, Tensor.FromArray(x, 2, 4, 3));
        output.WriteLine($"masking: max |ORT - Predict| = {err:G3}");
    }

    [Fact]
    public void BatchAxisIsDynamic()
    {
        var model = Seq([4], new Dense(3, activation: "softmax"));
        OnnxCheck.Randomize(model, 3);
        Assert.True(OnnxCheck.MaxError(model, OnnxCheck.Random(1, -1, 1, 1, 4)) <= OnnxCheck.Tolerance);
        Assert.True(OnnxCheck.MaxError(model, OnnxCheck.Random(2, -1, 1, 17, 4)) <= OnnxCheck.Tolerance);
    }

    [Fact]
    public void UnsupportedLayerIsAClearErrorNamingIt()
    {
        var x = Keras.Input([5], DType.Int32);
        var h = new LSTM(3, name: "masked_lstm").Apply(new Embedding(10, 4, maskZero: true).Apply(x));
        var model = new Model(x, h);
        var e = Assert.Throws<NotSupportedException>(() => model.Export(Path.Combine(Path.GetTempPath(), "never-written.onnx")));
        Assert.Contains("'masked_lstm' (LSTM)", e.Message, StringComparison.Ordinal);
        Assert.Contains("mask", e.Message, StringComparison.Ordinal);

        var custom = Seq([3], new Dense(2, activation: new ActivationFunction("custom", t => t), name: "odd"));
        var e2 = Assert.Throws<NotSupportedException>(() => custom.Export(Path.Combine(Path.GetTempPath(), "never-written.onnx")));
        Assert.Contains("'odd' (Dense)", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherFormatsAreRejectedByName()
    {
        var model = Seq([3], new Dense(2));
        var e = Assert.Throws<ArgumentException>(() => model.Export("m.savedmodel", format: "tf_saved_model"));
        Assert.Contains("tf_saved_model", e.Message, StringComparison.Ordinal);
    }
}
