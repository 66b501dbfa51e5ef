using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Configs of DepthwiseConv2D, SeparableConv2D and Conv2DTranspose in Keras 3.11's keys, a model
/// holding all three through .keras and .h5, cells and Bidirectional through configs, and config
/// errors that name the layer, the field and expected versus actual.
/// </summary>
public sealed class ConvAndRecurrentConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-convcfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonObject Config(Layer l) => (JsonObject)KerasSerializer.Serialize(l)["config"]!;

    private static string[] Keys(Layer l) => [.. Config(l).Select(p => p.Key)];

    [Fact]
    public void ConvConfigsUseKeras311Keys()
    {
        // The keys and order of keras/src/layers/convolutional/base_{depthwise,separable}_conv.py and base_conv_transpose.py get_config.
        Assert.Equal(["name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
            "use_bias", "depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
            "depthwise_constraint", "bias_constraint"], Keys(new DepthwiseConv2D(3)));
        Assert.Equal(["name", "trainable", "dtype", "depth_multiplier", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
            "activation", "use_bias", "depthwise_initializer", "pointwise_initializer", "bias_initializer", "depthwise_regularizer",
            "pointwise_regularizer", "bias_regularizer", "activity_regularizer", "depthwise_constraint", "pointwise_constraint", "bias_constraint"],
            Keys(new SeparableConv2D(4, 3)));
        Assert.Equal(["name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate",
            "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
            "kernel_constraint", "bias_constraint"], Keys(new Conv2DTranspose(4, 3)));
        var d = Config(new DepthwiseConv2D((3, 2), strides: (2, 1), depthMultiplier: 3, name: "dw"));
        Assert.Equal("[3,2]", d["kernel_size"]!.ToJsonString());
        Assert.Equal("[2,1]", d["strides"]!.ToJsonString());
        Assert.Equal(3, d["depth_multiplier"]!.GetValue<int>());
        Assert.Null(Config(new Conv2DTranspose(4, 3))["output_padding"]);
    }

    [Fact]
    public void KerasWrittenConvConfigsAreRead()
    {
        // As Keras 3.11 writes them (tuples as lists, initializers as objects), plus the int spellings Keras accepts.
        var dw = (DepthwiseConv2D)KerasSerializer.Layer(JsonNode.Parse("""
            {"module": "keras.layers", "class_name": "DepthwiseConv2D", "registered_name": null, "config": {"name": "dw", "trainable": true,
             "depth_multiplier": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
             "dilation_rate": [2, 2], "activation": "relu", "use_bias": false,
             "depthwise_initializer": {"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": 4}, "registered_name": null},
             "bias_initializer": "zeros", "depthwise_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
             "depthwise_constraint": null, "bias_constraint": null}}
            """));
        Assert.Equal((new Size2D(3, 3), 2, "same", false, "dw"), (dw.KernelSize, dw.DepthMultiplier, dw.Padding, dw.UseBias, dw.Name));
        Assert.IsType<SharpKeras.Initializers.HeNormal>(dw.DepthwiseInitializer);
        var sep = (SeparableConv2D)KerasSerializer.Layer(JsonNode.Parse("""
            {"class_name": "SeparableConv2D", "config": {"name": "sep", "filters": 5, "kernel_size": 3, "strides": 2, "depth_multiplier": 1,
             "pointwise_initializer": {"class_name": "Ones", "config": {}}}}
            """));
        Assert.Equal((5, new Size2D(3, 3)), (sep.Filters, sep.KernelSize));
        Assert.IsType<SharpKeras.Initializers.Ones>(sep.PointwiseInitializer);
        var tr = (Conv2DTranspose)KerasSerializer.Layer(JsonNode.Parse("""
            {"class_name": "Conv2DTranspose", "config": {"name": "up", "filters": 2, "kernel_size": [4, 4], "strides": [2, 2], "padding": "same", "output_padding": null}}
            """));
        Assert.Equal((2, new Size2D(4, 4), "same"), (tr.Filters, tr.KernelSize, tr.Padding));
        var e = Assert.ThrowsAny<FormatException>(() => KerasSerializer.Layer(JsonNode.Parse("""
            {"class_name": "Conv2DTranspose", "config": {"name": "up", "filters": 2, "kernel_size": 3, "strides": 2, "output_padding": [1, 1]}}
            """)));
        Assert.Contains("output_padding", e.Message);
        Assert.Contains("'up' (Conv2DTranspose)", e.Message);
    }

    private static (Model Model, Tensor X) ConvModel()
    {
        var input = Keras.Input([8, 8, 3], name: "image");
        var x = new DepthwiseConv2D(3, depthMultiplier: 2, padding: "same", activation: "relu", name: "dw").Apply(input);
        x = new SeparableConv2D(4, (3, 2), strides: 2, depthMultiplier: 2, activation: "tanh", name: "sep").Apply(x);
        x = new Conv2DTranspose(3, 3, strides: 2, padding: "same", name: "up").Apply(x);
        x = new Conv2DTranspose(2, (2, 3), useBias: false, name: "up_valid").Apply(x);
        var model = new Model(input, new Dense(2, activation: "softmax", name: "head").Apply(new Flatten().Apply(x)), "convs");
        return (model, GradCheck.Random(21, -1, 1, 2, 8, 8, 3));
    }

    [Theory]
    [InlineData("convs.keras")]
    [InlineData("convs.h5")]
    public void DepthwiseSeparableTransposeModelRoundTrips(string file)
    {
        var (model, x) = ConvModel();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        model.Fit(x, Tensor.FromArray(new float[] { 0, 1 }, 2), batchSize: 2, epochs: 1, verbose: 0);
        var y = model.Predict(x, verbose: 0).ToArray();
        var path = Path.Combine(_dir, file);
        model.Save(path);
        var back = Model.Load(path);
        Assert.Equal(model.ToConfig()["config"]!.ToJsonString(), back.ToConfig()["config"]!.ToJsonString());
        Assert.Equal(model.Weights.Select(w => w.Name), back.Weights.Select(w => w.Name));
        for (int i = 0; i < model.Weights.Count; i++)
        {
            Assert.Equal(model.Weights[i].Value.ToArray(), back.Weights[i].Value.ToArray());
        }
        Assert.Equal(y, back.Predict(x, verbose: 0).ToArray());
        Assert.True(back.Compiled);
    }

    [Fact]
    public void CellsOwnTheirConfigAndRnnSerializesItsCell()
    {
        var cell = new LSTMCell(3, unitForgetBias: false, name: "c");
        Assert.Equal(["name", "trainable", "dtype", "units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
            "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
            "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed"], Keys(cell));
        var rnn = new RNN(new GRUCell(2, resetAfter: false), returnSequences: true, name: "r");
        var c = Config(rnn);
        Assert.Equal("GRUCell", c["cell"]!["class_name"]!.GetValue<string>());
        Assert.False(c["cell"]!["config"]!["reset_after"]!.GetValue<bool>());
        var back = (RNN)KerasSerializer.Layer(JsonNode.Parse(KerasSerializer.Serialize(rnn).ToJsonString()));
        Assert.False(((GRUCell)back.Cell).ResetAfter);
        Assert.True(back.ReturnSequences);
        // A standalone cell's own dropout is not applied by SharpKeras, so it is refused, naming the cell and the field.
        var e = Assert.ThrowsAny<FormatException>(() => KerasSerializer.Layer(JsonNode.Parse("""
            {"class_name": "SimpleRNNCell", "config": {"name": "sc", "units": 2, "dropout": 0.5}}
            """)));
        Assert.Contains("\"dropout\"", e.Message);
        Assert.Contains("'sc' (SimpleRNNCell)", e.Message);
        // The flattened LSTM config has no "cell" and keeps the layer's dropout.
        var lstm = Config(new LSTM(3, dropout: 0.25, seed: 2));
        Assert.Null(lstm["cell"]);
        Assert.Equal(0.25, lstm["dropout"]!.GetValue<double>());
        Assert.Equal(2, lstm["seed"]!.GetValue<int>());
    }

    /// <summary>A user cell: a SimpleRNN step with a fixed scale, registered by its own FromConfig.</summary>
    private sealed class ScaledCell(int units, double scale, string? name = null) : RecurrentCell(units, name), IKerasSerializable<ScaledCell>
    {
        private readonly SimpleRNNCell _inner = new(units, name: "inner");

        public double Scale => scale;

        public override IReadOnlyList<int> StateSize => [Units];

        public override JsonObject GetConfig()
        {
            var c = base.GetConfig();
            c["units"] = Units;
            c["scale"] = scale;
            return c;
        }

        public static ScaledCell FromConfig(JsonObject config) => new(Cfg.Int(config, "units"), Cfg.Double(config, "scale"), Cfg.Name(config));

        protected override void Build(Shape inputShape) => _inner.EnsureBuilt(inputShape);

        public override IReadOnlyList<Variable> Weights => _inner.Weights;

        public override (Tensor Output, Tensor[] States) Step(Tensor input, IReadOnlyList<Tensor> states, bool training)
        {
            var (h, _) = _inner.Step(input, states, training);
            var scaled = Ops.Multiply(h, Tensor.Scalar((float)scale));
            return (scaled, [scaled]);
        }
    }

    [Fact]
    public void BidirectionalMakesItsBackwardLayerFromTheConfig()
    {
        var bi = new Bidirectional(new GRU(3, resetAfter: false, returnSequences: true, seed: 7), name: "bi");
        var backward = Assert.IsType<GRU>(bi.BackwardLayer);
        Assert.True(backward.GoBackwards);
        Assert.False(((GRUCell)backward.Cell).ResetAfter);
        Assert.Equal((true, 7), (backward.ReturnSequences, backward.Seed ?? -1));
        Assert.NotSame(bi.ForwardLayer.Cell, backward.Cell);

        // A custom cell works once registered, as Keras needs it registered to clone it.
        var unregistered = Assert.Throws<ArgumentException>(() => new Bidirectional(new RNN(new ScaledCell(2, 0.5), returnSequences: true)));
        Assert.Contains("register", unregistered.Message);
        KerasSerializer.Register<ScaledCell>(package: "ConvAndRecurrentConfigTests");
        var custom = new Bidirectional(new RNN(new ScaledCell(2, 0.5), returnSequences: true), mergeMode: "concat");
        var cell = Assert.IsType<ScaledCell>(custom.BackwardLayer.Cell);
        Assert.Equal(0.5, cell.Scale);
        Assert.True(custom.BackwardLayer.GoBackwards);
        var y = custom.Apply(GradCheck.Random(3, -1, 1, 2, 4, 3));
        Assert.Equal(new Shape(2, 4, 4), y.Shape);
    }

    public static TheoryData<string, string[]> BadConfigs() => new()
    {
        { """{"class_name": "Dense", "config": {"name": "d1", "units": "eight"}}""", ["\"units\"", "'d1' (Dense)", "an integer", "\"eight\"", "a string"] },
        { """{"class_name": "Dense", "config": {"name": "d2", "units": 3, "activation": 3}}""", ["\"activation\"", "'d2' (Dense)", "a string", "got 3"] },
        { """{"class_name": "Dense", "config": {"name": "d3", "units": 3, "use_bias": "yes"}}""", ["\"use_bias\"", "'d3' (Dense)", "true or false", "\"yes\""] },
        { """{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": ["a", 3]}}""", ["\"kernel_size\"", "'c' (Conv2D)", "list of integers"] },
        { """{"class_name": "LSTM", "config": {"name": "l", "units": 2, "return_sequences": 1}}""", ["\"return_sequences\"", "'l' (LSTM)", "true or false", "a number"] },
        { """{"class_name": "Dropout", "config": {"name": "dr", "rate": [0.5]}}""", ["\"rate\"", "'dr' (Dropout)", "a number", "a list"] },
        { """{"class_name": "Dense", "config": {"name": "d4", "units": -3}}""", ["'d4' (Dense)", "units", "-3"] },
        { """{"class_name": "Bidirectional", "config": {"name": "b", "layer": {"class_name": "Dense", "config": {"name": "inner", "units": 2}}}}""", ["\"layer\"", "'b' (Bidirectional)", "recurrent layer", "Dense"] },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void ConfigErrorsNameTheLayerTheFieldAndWhatWasFound(string json, string[] expected)
    {
        var e = Assert.ThrowsAny<FormatException>(() => KerasSerializer.Layer(JsonNode.Parse(json)));
        foreach (var part in expected)
        {
            Assert.Contains(part, e.Message);
        }
    }

    [Fact]
    public void OptimizerAndInitializerConfigErrorsNameTheObject()
    {
        var e = Assert.ThrowsAny<FormatException>(() => KerasSerializer.Optimizer(JsonNode.Parse("""{"class_name": "Adam", "config": {"name": "adam", "beta_1": "high"}}""")));
        Assert.Contains("\"beta_1\"", e.Message);
        Assert.Contains("'adam' (Adam)", e.Message);
        var clip = Assert.ThrowsAny<FormatException>(() => KerasSerializer.Optimizer(JsonNode.Parse("""{"class_name": "SGD", "config": {"name": "SGD", "clipnorm": 1.0, "clipvalue": 0.5}}""")));
        Assert.Contains("clipnorm", clip.Message);
        var init = Assert.ThrowsAny<FormatException>(() => KerasSerializer.Initializer(JsonNode.Parse("""{"class_name": "VarianceScaling", "config": {"mode": "fan_sideways"}}"""), "zeros"));
        Assert.Contains("\"mode\"", init.Message);
        Assert.Contains("VarianceScaling", init.Message);
        Assert.Contains("fan_sideways", init.Message);
    }
}
