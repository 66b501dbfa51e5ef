using System.Reflection;
using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Models;
using SharpKeras.Saving;
using AttentionLayer = SharpKeras.Layers.Attention;
using PreprocessingNormalization = SharpKeras.Layers.Preprocessing.Normalization;

namespace SharpKeras.Tests.Layers;

/// <summary>
/// Keras 2 / Keras.NET style input declarations (<c>inputShape</c>, <c>inputDim</c>, <c>inputLength</c>, <c>batchSize</c>)
/// on every layer that can start a Sequential, as Keras 3's base Layer still accepts them.
/// </summary>
public class InputDeclarationTests
{
    private const string LambdaName = "InputDeclarationTests>identity";

    static InputDeclarationTests() => Lambda.Register(LambdaName, x => x);

    /// <summary>Each layer type made with a declared per-sample input that it can take as a first layer.</summary>
    private static readonly Dictionary<string, Func<int[], Layer>> s_firstLayers = new()
    {
        ["ELU"] = s => new ELU(inputShape: s),
        ["LeakyReLU"] = s => new LeakyReLU(inputShape: s),
        ["PReLU"] = s => new PReLU(inputShape: s),
        ["ReLU"] = s => new ReLU(inputShape: s),
        ["Softmax"] = s => new Softmax(inputShape: s),
        ["Conv1D"] = s => new Conv1D(2, 3, inputShape: s),
        ["Conv2D"] = s => new Conv2D(2, 3, inputShape: s),
        ["Conv1DTranspose"] = s => new Conv1DTranspose(2, 3, inputShape: s),
        ["Conv2DTranspose"] = s => new Conv2DTranspose(2, 3, inputShape: s),
        ["DepthwiseConv1D"] = s => new DepthwiseConv1D(3, inputShape: s),
        ["DepthwiseConv2D"] = s => new DepthwiseConv2D(3, inputShape: s),
        ["SeparableConv1D"] = s => new SeparableConv1D(2, 3, inputShape: s),
        ["SeparableConv2D"] = s => new SeparableConv2D(2, 3, inputShape: s),
        ["Activation"] = s => new Activation("relu", inputShape: s),
        ["Dense"] = s => new Dense(3, inputShape: s),
        ["EinsumDense"] = s => new EinsumDense("ab,bc->ac", 3, inputShape: s),
        ["Embedding"] = s => new Embedding(10, 3, inputShape: s),
        ["Identity"] = s => new Identity(inputShape: s),
        ["Lambda"] = s => new Lambda(LambdaName, inputShape: s),
        ["Masking"] = s => new Masking(inputShape: s),
        ["BatchNormalization"] = s => new BatchNormalization(inputShape: s),
        ["GroupNormalization"] = s => new GroupNormalization(groups: 2, inputShape: s),
        ["LayerNormalization"] = s => new LayerNormalization(inputShape: s),
        ["RMSNormalization"] = s => new RMSNormalization(inputShape: s),
        ["SpectralNormalization"] = s => new SpectralNormalization(new Dense(3), inputShape: s),
        ["UnitNormalization"] = s => new UnitNormalization(inputShape: s),
        ["AveragePooling1D"] = s => new AveragePooling1D(inputShape: s),
        ["AveragePooling2D"] = s => new AveragePooling2D(inputShape: s),
        ["GlobalAveragePooling1D"] = s => new GlobalAveragePooling1D(inputShape: s),
        ["GlobalAveragePooling2D"] = s => new GlobalAveragePooling2D(inputShape: s),
        ["GlobalAveragePooling3D"] = s => new GlobalAveragePooling3D(inputShape: s),
        ["GlobalMaxPooling1D"] = s => new GlobalMaxPooling1D(inputShape: s),
        ["GlobalMaxPooling2D"] = s => new GlobalMaxPooling2D(inputShape: s),
        ["GlobalMaxPooling3D"] = s => new GlobalMaxPooling3D(inputShape: s),
        ["MaxPooling1D"] = s => new MaxPooling1D(inputShape: s),
        ["MaxPooling2D"] = s => new MaxPooling2D(inputShape: s),
        ["MaxPooling3D"] = s => new MaxPooling3D(inputShape: s),
        ["AveragePooling3D"] = s => new AveragePooling3D(inputShape: s),
        ["Conv3D"] = s => new Conv3D(2, 3, inputShape: s),
        ["Conv3DTranspose"] = s => new Conv3DTranspose(2, 3, inputShape: s),
        ["AdaptiveAveragePooling1D"] = s => new AdaptiveAveragePooling1D(2, inputShape: s),
        ["AdaptiveMaxPooling1D"] = s => new AdaptiveMaxPooling1D(2, inputShape: s),
        ["AdaptiveAveragePooling2D"] = s => new AdaptiveAveragePooling2D(2, inputShape: s),
        ["AdaptiveMaxPooling2D"] = s => new AdaptiveMaxPooling2D(2, inputShape: s),
        ["ConvLSTM2D"] = s => new ConvLSTM2D(2, 3, inputShape: s),
        ["RandomRotation"] = s => new RandomRotation(0.1, inputShape: s),
        ["RandomZoom"] = s => new RandomZoom(0.1, inputShape: s),
        ["RandomTranslation"] = s => new RandomTranslation(0.1, 0.1, inputShape: s),
        ["RandomCrop"] = s => new RandomCrop(4, 4, inputShape: s),
        ["Hashing"] = s => new Hashing(4, inputShape: s),
        ["IntegerLookup"] = s => new IntegerLookup(vocabulary: [1, 2, 3], inputShape: s),
        ["CategoryEncoding"] = s => new CategoryEncoding(5, inputShape: s),
        ["CenterCrop"] = s => new CenterCrop(2, 2, inputShape: s),
        ["Discretization"] = s => new Discretization(binBoundaries: [0.0, 1.0], inputShape: s),
        ["Normalization"] = s => new PreprocessingNormalization(inputShape: s),
        ["RandomBrightness"] = s => new RandomBrightness(0.2, inputShape: s),
        ["RandomContrast"] = s => new RandomContrast(0.2, inputShape: s),
        ["RandomFlip"] = s => new RandomFlip(inputShape: s),
        ["Rescaling"] = s => new Rescaling(0.5, inputShape: s),
        ["Resizing"] = s => new Resizing(2, 2, inputShape: s),
        ["Bidirectional"] = s => new Bidirectional(new LSTM(2), inputShape: s),
        ["GRU"] = s => new GRU(2, inputShape: s),
        ["LSTM"] = s => new LSTM(2, inputShape: s),
        ["SimpleRNN"] = s => new SimpleRNN(2, inputShape: s),
        ["RNN"] = s => new RNN(new SimpleRNNCell(2), inputShape: s),
        ["TimeDistributed"] = s => new TimeDistributed(new Dense(2), inputShape: s),
        ["ActivityRegularization"] = s => new ActivityRegularization(inputShape: s),
        ["AlphaDropout"] = s => new AlphaDropout(0.1, inputShape: s),
        ["Dropout"] = s => new Dropout(0.1, inputShape: s),
        ["GaussianDropout"] = s => new GaussianDropout(0.1, inputShape: s),
        ["GaussianNoise"] = s => new GaussianNoise(0.1, inputShape: s),
        ["SpatialDropout1D"] = s => new SpatialDropout1D(0.1, inputShape: s),
        ["SpatialDropout2D"] = s => new SpatialDropout2D(0.1, inputShape: s),
        ["SpatialDropout3D"] = s => new SpatialDropout3D(0.1, inputShape: s),
        ["Cropping1D"] = s => new Cropping1D(inputShape: s),
        ["Cropping2D"] = s => new Cropping2D(inputShape: s),
        ["Cropping3D"] = s => new Cropping3D(inputShape: s),
        ["Flatten"] = s => new Flatten(inputShape: s),
        ["Permute"] = s => new Permute([2, 1], inputShape: s),
        ["RepeatVector"] = s => new RepeatVector(3, inputShape: s),
        ["Reshape"] = s => new Reshape([8], inputShape: s),
        ["UpSampling1D"] = s => new UpSampling1D(inputShape: s),
        ["UpSampling2D"] = s => new UpSampling2D(inputShape: s),
        ["UpSampling3D"] = s => new UpSampling3D(inputShape: s),
        ["ZeroPadding1D"] = s => new ZeroPadding1D(inputShape: s),
        ["ZeroPadding2D"] = s => new ZeroPadding2D(inputShape: s),
        ["ZeroPadding3D"] = s => new ZeroPadding3D(inputShape: s),
    };

    /// <summary>The per-sample input each first layer is declared with: vectors, sequences, images or volumes as the layer takes.</summary>
    private static int[] SampleShape(string layer) => layer switch
    {
        "Embedding" or "CategoryEncoding" or "Discretization" => [5],
        "GroupNormalization" or "Flatten" or "Permute" or "Reshape" => [2, 4],
        "Conv1D" or "Conv1DTranspose" or "DepthwiseConv1D" or "SeparableConv1D" or "AveragePooling1D" or "MaxPooling1D"
            or "GlobalAveragePooling1D" or "GlobalMaxPooling1D" or "Cropping1D" or "UpSampling1D" or "ZeroPadding1D"
            or "Masking" or "SpatialDropout1D" or "Bidirectional" or "GRU" or "LSTM" or "SimpleRNN" or "RNN" or "TimeDistributed" => [6, 3],
        "Conv2D" or "Conv2DTranspose" or "DepthwiseConv2D" or "SeparableConv2D" or "AveragePooling2D" or "MaxPooling2D"
            or "GlobalAveragePooling2D" or "GlobalMaxPooling2D" or "Cropping2D" or "UpSampling2D" or "ZeroPadding2D" or "SpatialDropout2D"
            or "CenterCrop" or "RandomBrightness" or "RandomContrast" or "RandomFlip" or "Resizing"
            or "RandomRotation" or "RandomZoom" or "RandomTranslation" or "RandomCrop" or "AdaptiveAveragePooling2D" or "AdaptiveMaxPooling2D" => [6, 6, 3],
        "AdaptiveAveragePooling1D" or "AdaptiveMaxPooling1D" => [6, 3],
        "Conv3D" or "Conv3DTranspose" or "MaxPooling3D" or "AveragePooling3D" => [4, 4, 4, 2],
        "ConvLSTM2D" => [3, 6, 6, 2],
        "GlobalAveragePooling3D" or "GlobalMaxPooling3D" or "Cropping3D" or "UpSampling3D" or "ZeroPadding3D" or "SpatialDropout3D" => [4, 4, 4, 2],
        _ => [4],
    };

    /// <summary>Layers that take several inputs (query and value), so no Sequential can start with them; they still accept and keep the declaration, as Keras's base Layer does.</summary>
    private static readonly Dictionary<string, Func<int[], Layer>> s_multiInputLayers = new()
    {
        ["Attention"] = s => new AttentionLayer(inputShape: s),
        ["AdditiveAttention"] = s => new AdditiveAttention(inputShape: s),
        ["MultiHeadAttention"] = s => new MultiHeadAttention(2, 4, inputShape: s),
        ["GroupQueryAttention"] = s => new GroupQueryAttention(4, 2, 1, inputShape: s),
    };

    /// <summary>Registered layers that are not Keras first layers: the InputLayer itself, the merging layers (a list of inputs), recurrent cells and Keras's op nodes.</summary>
    private static readonly HashSet<string> s_notFirstLayers =
    [
        "InputLayer", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
        "SimpleRNNCell", "LSTMCell", "GRUCell", "NotEqual", "LogicalOr",
        // Text in, through Apply(string[]): no tensor input to declare, though they accept the arguments as Keras's base Layer does.
        "StringLookup", "TextVectorization",
    ];

    /// <summary>Every first-layer case by name.</summary>
    public static TheoryData<string> FirstLayers => [.. s_firstLayers.Keys];

    [Theory]
    [MemberData(nameof(FirstLayers))]
    public void EveryLayerDeclaresTheInputOfTheSequentialItStarts(string layerType)
    {
        var sample = SampleShape(layerType);
        var layer = s_firstLayers[layerType](sample);
        Assert.Equal(layerType, layer.GetType().Name);
        Assert.Equal(new Shape(sample), layer.DeclaredInputShape);

        var model = new Sequential([layer, new Flatten()]);
        Assert.True(layer.Built, $"{layerType} declared inputShape {new Shape(sample)} but the Sequential did not build it");
        Assert.Equal(new Shape(sample).Prepend(-1), layer.BuildInputShape);
        Assert.Equal(new Shape(sample).Prepend(-1), model.InputShape);
        string? text = null;
        model.Summary(s => text = s);
        // The summary wraps long "name (Class)" cells, so the row is found by the name's start.
        Assert.Contains(layer.Name[..Math.Min(12, layer.Name.Length)], text, StringComparison.Ordinal);
        Assert.Contains($"Total params: {model.CountParams().ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Attention")]
    [InlineData("AdditiveAttention")]
    [InlineData("MultiHeadAttention")]
    [InlineData("GroupQueryAttention")]
    public void MultiInputLayersKeepTheDeclaration(string layerType)
    {
        var layer = s_multiInputLayers[layerType]([5, 8]);
        Assert.Equal(new Shape(5, 8), layer.DeclaredInputShape);
        Assert.Throws<ArgumentException>(() => s_multiInputLayers[layerType]([5, 0]));
    }

    [Fact]
    public void EveryRegisteredLayerTypeTakesInputShapeAndBatchSize()
    {
        var layerTypes = typeof(Layer).Assembly.GetExportedTypes()
            .Where(t => typeof(Layer).IsAssignableFrom(t) && !typeof(Model).IsAssignableFrom(t) && !t.IsAbstract && KerasSerializer.IsRegistered(t))
            .Select(t => t)
            .ToList();
        Assert.True(layerTypes.Count > 80, $"expected the registry's layers, found {layerTypes.Count}");
        var missing = new List<string>();
        foreach (var t in layerTypes.Where(t => !s_notFirstLayers.Contains(t.Name)))
        {
            if (!s_firstLayers.ContainsKey(t.Name) && !s_multiInputLayers.ContainsKey(t.Name))
            {
                missing.Add($"{t.Name} (no case in this test)");
            }
            foreach (var ctor in t.GetConstructors())
            {
                var names = ctor.GetParameters().Select(p => p.Name).ToList();
                if (!names.Contains("inputShape") || !names.Contains("batchSize")
                    || ctor.GetParameters().Where(p => p.Name is "inputShape" or "batchSize").Any(p => !p.IsOptional))
                {
                    missing.Add($"{t.Name}({string.Join(", ", names)})");
                }
            }
        }
        Assert.True(missing.Count == 0, "public constructors without optional inputShape and batchSize: " + string.Join("; ", missing));
    }

    [Fact]
    public void DenseInputDimDeclaresAVectorInput()
    {
        var model = new Sequential([new Dense(3, inputDim: 4, activation: "relu"), new Dense(1)]);
        Assert.Equal(new Shape(-1, 4), model.InputShape);
        Assert.Equal(new Shape(4, 3), model.GetWeights()[0].Shape);
        // The positional spelling of the C# programs this descends from: units, input dimension.
        Assert.Equal(new Shape(7, 2), new Sequential([new Dense(2, 7)]).GetWeights()[0].Shape);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(2, inputDim: 0, name: "d0"));
        Assert.Contains("Dense layer 'd0'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddingInputLengthDeclaresTheSequenceLength()
    {
        var model = new Sequential([new Embedding(50, 3, inputLength: 5), new Flatten(), new Dense(1)]);
        Assert.Equal(new Shape(-1, 5), model.InputShape);
        Assert.Equal(new Shape(15, 1), model.GetWeights()[1].Shape);
        var y = model.Predict(Tensor.FromArray(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 2, 5), verbose: 0);
        Assert.Equal(new Shape(2, 1), y.Shape);
        var e = Assert.Throws<ArgumentException>(() => new Embedding(50, 3, inputLength: 5, inputShape: [6], name: "emb"));
        Assert.Contains("Embedding layer 'emb' was given inputLength 5", e.Message, StringComparison.Ordinal);
        Assert.Contains("(6,)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecurrentLayersTakeInputShapeOrKeras2InputDimAndLength()
    {
        var lstm = new Sequential([new LSTM(4, inputShape: [6, 3]), new Dense(1)]);
        Assert.Equal(new Shape(-1, 6, 3), lstm.InputShape);
        Assert.Equal(new Shape(3, 16), lstm.GetWeights()[0].Shape);
        // Keras 2's recurrent layers: input_dim and input_length make input_shape (input_length, input_dim), the length None when absent.
        Assert.Equal(new Shape(6, 3), new LSTM(4, inputDim: 3, inputLength: 6).DeclaredInputShape);
        Assert.Equal(new Shape(-1, 3), new GRU(4, inputDim: 3).DeclaredInputShape);
        var gru = new Sequential([new GRU(4, inputDim: 3), new Dense(1)]);
        Assert.Equal(new Shape(3, 12), gru.GetWeights()[0].Shape);
        Assert.Equal(new Shape(-1, 6, 2), new Sequential([new SimpleRNN(2, inputDim: 2, inputLength: 6)]).InputShape);
        var wrapped = new Sequential([new Bidirectional(new LSTM(2, returnSequences: true), inputShape: [5, 3]), new TimeDistributed(new Dense(1))]);
        Assert.Equal(new Shape(-1, 5, 1), wrapped.ComputeOutputShape(wrapped.InputShape!));
    }

    [Fact]
    public void Conv2DInputShapeBuildsTheKernelForTheDeclaredChannels()
    {
        var model = new Sequential([
            new Conv2D(4, 3, activation: "relu", inputShape: [8, 8, 2]),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(2, activation: "softmax"),
        ]);
        Assert.Equal(new Shape(3, 3, 2, 4), model.GetWeights()[0].Shape);
        Assert.Equal(new Shape(36, 2), model.GetWeights()[2].Shape);
        string? text = null;
        model.Summary(s => text = s);
        Assert.Contains("(None, 6, 6, 4)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchSizeIsTheBatchOfTheBuiltInputShape()
    {
        var model = new Sequential([new Conv2D(2, 3, inputShape: [5, 5, 1], batchSize: 8), new Flatten()]);
        Assert.Equal(new Shape(8, 5, 5, 1), model.InputShape);
        string? text = null;
        model.Summary(s => text = s);
        Assert.Contains("(8, 3, 3, 2)", text, StringComparison.Ordinal);
        Assert.Equal(new Shape(4, 4, 6), new Sequential([new LSTM(2, inputShape: [4, 6], batchSize: 4)]).InputShape);
        var e = Assert.Throws<ArgumentException>(() => new MaxPooling2D(batchSize: 8, name: "pool"));
        Assert.Contains("MaxPooling2D layer 'pool' was given batchSize 8 without an input shape", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Flatten(inputShape: [3], batchSize: -2));
    }

    [Fact]
    public void ObjectInitializerDeclaresTheInputToo()
    {
        var model = new Sequential([new Dense(3) { DeclaredInputShape = new[] { 4 }, DeclaredBatchSize = 2 }, new Dense(1)]);
        Assert.Equal(new Shape(2, 4), model.InputShape);
        Assert.Equal(new Shape(4, 3), model.GetWeights()[0].Shape);
        var e = Assert.Throws<ArgumentException>(() => new Dense(3, name: "d") { DeclaredInputShape = new[] { 4, 0 } });
        Assert.Contains("Dense layer 'd' DeclaredInputShape", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADeclarationOnALaterLayerIsIgnoredAsKerasIgnoresIt()
    {
        var model = new Sequential([new Dense(3), new Dense(2, inputShape: [99])]);
        Assert.Null(model.InputShape);
        Assert.False(model.Layers[0].Built);
        Assert.Equal(new Shape(5, 2), model.Predict(Tensor.Zeros(new Shape(5, 7)), verbose: 0).Shape);

        var afterInput = new Sequential([Keras.Input([6]), new Dense(2, inputShape: [99])]);
        Assert.Equal(new Shape(-1, 6), afterInput.InputShape);
        Assert.Equal(new Shape(6, 2), afterInput.GetWeights()[0].Shape);
    }

    [Fact]
    public void WrongRankDeclarationNamesTheLayerAndBothShapes()
    {
        var model = new Sequential();
        var e = Assert.Throws<ArgumentException>(() => model.Add(new LSTM(2, inputShape: [10], name: "encoder")));
        Assert.Contains("'encoder' (LSTM)", e.Message, StringComparison.Ordinal);
        Assert.Contains("inputShape (10,)", e.Message, StringComparison.Ordinal);
        Assert.Contains("ndim=3", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 10)", e.Message, StringComparison.Ordinal);
        Assert.Empty(model.Layers);

        e = Assert.Throws<ArgumentException>(() => new Sequential([new Conv2D(4, 3, inputShape: [28, 28]), new Flatten()]));
        Assert.Contains("(Conv2D)", e.Message, StringComparison.Ordinal);
        Assert.Contains("inputShape (28, 28)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 28, 28)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDeclarationRoundTripsThroughConfigAsKerasWritesIt()
    {
        var model = new Sequential([new Dense(3, inputShape: [5], batchSize: 4), new Dense(1)]);
        var config = JsonNode.Parse(model.ToJson())!["config"]!;
        var first = config["layers"]![0]!;
        Assert.Equal("InputLayer", first["class_name"]!.GetValue<string>());
        Assert.Equal("[4,5]", first["config"]!["batch_shape"]!.ToJsonString());
        Assert.Equal("[4,5]", config["build_input_shape"]!.ToJsonString());
        // Keras 3 writes no input_shape in the layer's own config: the InputLayer carries it.
        Assert.Null(config["layers"]![1]!["config"]!["input_shape"]);

        var loaded = (Sequential)Model.FromJson(model.ToJson());
        Assert.Equal(new Shape(4, 5), loaded.InputShape);
        Assert.Equal(new Shape(5, 3), loaded.GetWeights()[0].Shape);
        Assert.Equal(model.ToJson(), loaded.ToJson());

        var unbatched = new Sequential([new Conv1D(2, 3, inputShape: [6, 3])]);
        var again = (Sequential)Model.FromJson(unbatched.ToJson());
        Assert.Equal(new Shape(-1, 6, 3), again.InputShape);
        Assert.Equal(unbatched.ToJson(), again.ToJson());
    }

    [Fact]
    public void Keras2BatchInputShapeOnTheFirstLayerLoadsAsTheDeclaration()
    {
        // Keras 2 wrote the declaration into the first layer's config as batch_input_shape (batch_size as its first entry).
        const string json = """
            {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
              {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "batch_input_shape": [16, 7], "dtype": "float32",
                "units": 3, "activation": "relu", "use_bias": true}},
              {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": "float32", "units": 1, "activation": "linear", "use_bias": true}}]}}
            """;
        var model = (Sequential)Model.FromJson(json);
        Assert.Equal(new Shape(16, 7), model.InputShape);
        Assert.Equal(new Shape(7, 3), model.GetWeights()[0].Shape);
        Assert.Equal("[16,7]", JsonNode.Parse(model.ToJson())!["config"]!["layers"]![0]!["config"]!["batch_shape"]!.ToJsonString());
    }
}
