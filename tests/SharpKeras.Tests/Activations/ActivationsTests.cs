using Act = SharpKeras.Activations;
using System.Text.Json.Nodes;
using SharpKeras.Backend;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using SharpKeras.Tests.Saving;

namespace SharpKeras.Tests.Activations;

/// <summary>
/// keras.activations: every function against Keras 3.11's own outputs (keras-refs2 activations.json),
/// the reference model with one Activation output per name, finite-difference gradients, fusion into
/// Dense's matrix multiply, and the method-group spelling <c>activation: Act.Relu</c>.
/// </summary>
public class ActivationsTests
{
    private static string Refs2 => KerasOptimizerFileTests.s_dir!;

    public static TheoryData<string> ReferenceNames() =>
    [
        "gelu", "gelu_approximate", "silu", "swish", "elu", "selu", "leaky_relu", "relu6", "softplus", "softsign", "exponential",
        "hard_sigmoid", "hard_silu", "hard_swish", "mish", "log_softmax", "softmax", "sigmoid", "tanh", "relu", "tanh_shrink",
        "hard_tanh", "hard_shrink", "soft_shrink", "squareplus", "sparse_plus", "log_sigmoid", "celu", "sparse_sigmoid", "sparsemax",
    ];

    private static void Close(float[] expected, float[] actual, string what, double tol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            Assert.True(diff <= tol + tol * Math.Abs(expected[i]), $"{what}[{i}]: SharpKeras {actual[i]}, Keras {expected[i]} (|diff| {diff:G3})");
        }
    }

    [Refs2Theory]
    [MemberData(nameof(ReferenceNames))]
    public void MatchesKerasOutputs(string key)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Refs2, "activations.json")))!;
        Assert.NotNull(json["outputs"]![key]);
        var x = NumpyFile.Load(Path.Combine(Refs2, json["input"]!.GetValue<string>()));
        var expected = NumpyFile.Load(Path.Combine(Refs2, json["outputs"]![key]!.GetValue<string>())).ToArray();
        var f = key == "gelu_approximate" ? new ActivationFunction("gelu", t => Act.Gelu(t, approximate: true)) : Act.Get(key);
        Close(expected, f.Call(x).ToArray(), key);
    }

    [Refs2Theory]
    [InlineData("activations_model.keras")]
    public void KerasActivationModelLoadsAndMatches(string file)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Refs2, "activations.json")))!;
        var names = json["model_outputs"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var model = Model.Load(Path.Combine(Refs2, file));
        var x = NumpyFile.Load(Path.Combine(Refs2, "activations_input.npy"));
        var outputs = model.PredictOutputs([x], verbose: 0);
        Assert.Equal(names.Length, outputs.Length);
        for (int i = 0; i < names.Length; i++)
        {
            var expected = NumpyFile.Load(Path.Combine(Refs2, json["outputs"]![names[i]]!.GetValue<string>())).ToArray();
            Close(expected, outputs[i].ToArray(), $"model output {i} ({names[i]})");
        }
        // Activation layers write the name back as Keras does (swish and hard_swish resolve to silu and hard_silu).
        var written = model.Layers.OfType<Activation>().Select(l => (string)l.GetConfig()["activation"]!).ToHashSet();
        Assert.Contains("silu", written);
        Assert.Contains("sparsemax", written);
        Assert.DoesNotContain("custom", written);
    }

    // Points away from every kink (0, +-0.5, +-1, +-3, 6) by more than the finite-difference step.
    private static readonly float[] s_points =
        [
            -3.62f, -2.73f, -2.21f, -1.62f, -1.37f, -0.83f, -0.71f, -0.29f, -0.13f, 0.17f,
            0.34f, 0.62f, 0.79f, 1.23f, 1.71f, 2.36f, 2.87f, 3.41f, 5.3f, 6.7f,
            -0.44f, 0.41f, -0.07f, 0.09f, 1.52f, -1.91f, 0.93f, -0.58f, 4.4f, -4.1f,
            0.27f, 0.71f, -0.36f, 0.05f, -0.95f, 1.08f, 2.05f, -2.44f, 0.58f, -0.21f,
        ];

    private static Tensor Input(int rows = 4) => Tensor.FromArray(s_points[..(rows * 10)], [rows, 10]);

    public static TheoryData<string> GradientNames() =>
    [
        "celu", "elu", "exponential", "gelu", "gelu_approximate", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_tanh", "leaky_relu",
        "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax",
        "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "tanh", "tanh_shrink",
        "relu_options", "relu_threshold", "elu_alpha", "celu_alpha", "squareplus_b", "threshold", "softmax_axis0", "sparsemax_small", "glu", "glu_axis0",
    ];

    private static Func<Tensor, Tensor> ByKey(string key) => key switch
    {
        "gelu_approximate" => x => Act.Gelu(x, approximate: true),
        "relu_options" => x => Act.Relu(x, negativeSlope: 0.3, maxValue: 2.0),
        "relu_threshold" => x => Act.Relu(x, negativeSlope: 0.2, maxValue: 4.0, threshold: 1.5),
        "elu_alpha" => x => Act.Elu(x, alpha: 0.4),
        "celu_alpha" => x => Act.Celu(x, alpha: 2.5),
        "squareplus_b" => x => Act.Squareplus(x, b: 0.5),
        "threshold" => x => Act.Threshold(x, 0.25, -0.5),
        "softmax_axis0" => x => Act.Softmax(x, axis: 0),
        "glu_axis0" => x => Act.Glu(x, axis: 0),
        // Small logits keep most of Keras's sparsemax support positive, so its gradient is not all zero.
        "sparsemax_small" => x => Act.Sparsemax(Ops.Multiply(x, Tensor.Scalar(0.01f))),
        _ => Act.Get(key).Function,
    };

    [Theory]
    [MemberData(nameof(GradientNames))]
    public void GradientMatchesFiniteDifferences(string key)
    {
        var f = ByKey(key);
        GradCheck.Check(xs => f(xs[0]), [Input()], eps: 5e-3f, rtol: 1e-2, atol: 1e-3);
    }

    [Fact]
    public void MethodGroupsConvertAndKeepTheirKerasNames()
    {
        var dense = new Dense(8, activation: Act.Relu);
        Assert.Equal("relu", dense.Activation.Name);
        Assert.Equal("relu", new Dense(8, activation: Act.Relu).GetConfig()["activation"]!.GetValue<string>());
        Assert.Equal("elu", new Dense(2, activation: Act.Elu).Activation.Name);
        Assert.Equal("gelu", new Dense(2, activation: Act.Gelu).Activation.Name);
        Assert.Equal("softmax", new Dense(2, activation: Act.Softmax).Activation.Name);
        Assert.Equal("silu", new Dense(2, activation: Act.Swish).Activation.Name);
        Assert.Equal("sigmoid", new Activation(Act.Sigmoid).Function.Name);
        Assert.Equal("hard_silu", new Activation("hard_swish").Function.Name);
        Assert.Equal("relu", new Dense(2, activation: "relu").Activation.Name);
        Func<Tensor, Tensor> mine = x => Ops.Multiply(x, x);
        Assert.Equal("custom", new Dense(2, activation: mine).Activation.Name);
        // Called directly, with Keras's keyword arguments.
        var x = Tensor.FromArray([-10f, -5f, 0f, 5f, 10f], [5]);
        Assert.Equal([-5f, -2.5f, 0f, 5f, 10f], Act.Relu(x, negativeSlope: 0.5).ToArray());
        Assert.Equal([0f, 0f, 0f, 5f, 5f], Act.Relu(x, maxValue: 5.0).ToArray());
        Assert.Equal([0f, 0f, 0f, 0f, 10f], Act.Relu(x, threshold: 5.0).ToArray());
        Assert.Equal([-2f, -1f, 0f, 5f, 10f], Act.LeakyRelu(x).ToArray());
    }

    [Fact]
    public void UnknownNamesListTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Act.Get("relu7"));
        Assert.Contains("relu7", e.Message);
        Assert.Contains("sparsemax", e.Message);
        Assert.All(Act.Names, n => Assert.NotNull(Act.Get(n)));
        Assert.Throws<ArgumentException>(() => Act.Celu(Tensor.FromArray([1f], [1]), alpha: 0));
        Assert.Throws<ArgumentException>(() => Act.Squareplus(Tensor.FromArray([1f], [1]), b: -1));
    }

    public static TheoryData<string> EpilogueNames() =>
        [.. Act.Names.Where(n => Act.Get(n).Epilogue is { } e && e != EpilogueActivation.None)];

    /// <summary>A Dense whose activation its GEMM applies gives what the plain product followed by the activation op gives, values and gradients.</summary>
    [Theory]
    [MemberData(nameof(EpilogueNames))]
    public void FusedDenseMatchesUnfused(string name)
    {
        var act = Act.Get(name);
        var x = GradCheck.Random(11, -2f, 2f, 6, 5);
        var kernel = GradCheck.Random(12, -1f, 1f, 5, 7);
        var bias = GradCheck.Random(13, -0.5f, 0.5f, 7);
        var fused = Ops.Dense(x, kernel, bias, act.Epilogue!.Value);
        var plain = act.Call(Ops.Dense(x, kernel, bias, EpilogueActivation.None));
        Close(plain.ToArray(), fused.ToArray(), $"fused {name}", 1e-5);
        GradCheck.Check(t => Ops.Dense(t[0], t[1], t[2], act.Epilogue!.Value), [x, kernel, bias], eps: 2e-3f, rtol: 2e-2, atol: 2e-3);
    }

    [Fact]
    public void GluGatesTheFirstHalfByTheSecond()
    {
        var x = Tensor.FromArray([1f, 2f, 0f, 3f, -1f, 4f, 5f, -2f], [2, 4]);
        var y = Act.Glu(x);
        Assert.Equal(new Shape(2, 2), y.Shape);
        float S(float v) => 1f / (1f + MathF.Exp(-v));
        var expected = new[] { 1f * S(0f), 2f * S(3f), -1f * S(5f), 4f * S(-2f) };
        Close(expected, y.ToArray(), "glu");
        Assert.Equal(new Shape(1, 4), Act.Glu(x, axis: 0).Shape);
        var e = Assert.Throws<ArgumentException>(() => Act.Glu(Tensor.FromArray([1f, 2f, 3f], [1, 3])));
        Assert.Contains("even", e.Message);
        Assert.Contains("(1, 3)", e.Message);
    }
}
