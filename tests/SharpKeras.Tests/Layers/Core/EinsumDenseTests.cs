using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Core;

/// <summary>EinsumDense: kernel, bias and output shapes read from the equation as Keras reads them, values, config, saving and bad input.</summary>
public sealed class EinsumDenseTests
{
    public static TheoryData<string, int[], string?, int[], int[], int[]?, int[]> Cases() => new()
    {
        // equation, output_shape, bias_axes, input shape, kernel shape, bias shape, output shape (batch -1)
        { "ab,bc->ac", [64], "c", [-1, 32], [32, 64], [64], [-1, 64] },
        { "abc,cd->abd", [-1, 64], "d", [-1, 32, 128], [128, 64], [64], [-1, 32, 64] },
        { "abc,cd->abd", [-1, 64], "bd", [-1, 32, 128], [128, 64], [32, 64], [-1, 32, 64] },
        { "...b,bc->...c", [64], "c", [-1, 32, 128], [128, 64], [64], [-1, 32, 64] },
        { "ab...,bc->ac...", [3], "c", [-1, 4, 5], [4, 3], [3, 1], [-1, 3, 5] },
        { "abc,cde->abde", [-1, 2, 8], "de", [-1, 12, 16], [16, 2, 8], [2, 8], [-1, 12, 2, 8] },
        { "abcd,cde->abe", [-1, 16], "e", [-1, 12, 2, 8], [2, 8, 16], [16], [-1, 12, 16] },
        { "ab,bcd->acd", [2, 3], null, [-1, 12], [12, 2, 3], null, [-1, 2, 3] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShapesFollowTheEquation(string equation, int[] outputShape, string? biasAxes, int[] input, int[] kernel, int[]? bias, int[] output)
    {
        var layer = new EinsumDense(equation, outputShape, biasAxes: biasAxes);
        layer.EnsureBuilt(new Shape(input));
        Assert.Equal(new Shape(kernel), layer.Kernel!.Shape);
        Assert.Equal(bias is null ? null : new Shape(bias), layer.Bias?.Shape);
        Assert.Equal(new Shape(output), layer.ComputeOutputShape(new Shape(input)));
        var x = GradCheck.Random(3, -1, 1, [2, .. input[1..]]);
        var y = layer.Apply(x);
        Assert.Equal(new Shape([2, .. output[1..]]), y.Shape);
    }

    [Fact]
    public void ValuesAreTheEinsumPlusBiasThroughTheActivation()
    {
        var layer = new EinsumDense("abc,cd->abd", [-1, 3], activation: "relu", biasAxes: "d", biasInitializer: new SharpKeras.Initializers.RandomNormal(seed: 1));
        var x = GradCheck.Random(4, -1, 1, 2, 4, 5);
        var y = layer.Apply(x).ToArray();
        var k = layer.Kernel!.Value.ToArray();
        var b = layer.Bias!.Value.ToArray();
        var xv = x.ToArray();
        for (int i = 0; i < 8; i++)
        {
            for (int d = 0; d < 3; d++)
            {
                double s = b[d];
                for (int c = 0; c < 5; c++)
                {
                    s += xv[i * 5 + c] * k[c * 3 + d];
                }
                Assert.Equal(Math.Max(0, s), y[i * 3 + d], 1e-5);
            }
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var layer = new EinsumDense("abc,cde->abde", [-1, 2, 3], activation: "tanh", biasAxes: "de");
        var x = GradCheck.Random(5, -1, 1, 2, 3, 4);
        layer.EnsureBuilt(x.Shape);
        GradCheck.Check(t => layer.Apply(t[0]), [x]);
    }

    [Fact]
    public void ConfigRoundTripsWithKerasKeys()
    {
        var layer = new EinsumDense("ab,bcd->acd", [2, 3], activation: "gelu", biasAxes: "cd", kernelRegularizer: new SharpKeras.Regularizers.L2(0.01),
            kernelConstraint: new SharpKeras.Constraints.NonNeg(), name: "ed");
        var config = layer.GetConfig();
        foreach (var key in new[] { "name", "trainable", "dtype", "output_shape", "equation", "activation", "bias_axes", "kernel_initializer", "bias_initializer",
            "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint" })
        {
            Assert.True(config.ContainsKey(key), $"missing {key}");
        }
        Assert.Equal("[2,3]", config["output_shape"]!.ToJsonString());
        var back = EinsumDense.FromConfig(config);
        Assert.True(JsonNode.DeepEquals(config, back.GetConfig()));
        var scalar = new EinsumDense("ab,bc->ac", 8, biasAxes: "c");
        Assert.Equal("8", scalar.GetConfig()["output_shape"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(scalar.GetConfig(), EinsumDense.FromConfig(scalar.GetConfig()).GetConfig()));
        Assert.IsType<EinsumDense>(KerasSerializer.Layer(KerasSerializer.Serialize(layer)));
    }

    [Fact]
    public void AModelWithEinsumDenseSavesAndLoads()
    {
        var input = SharpKeras.Keras.Input([12]);
        var y = new Flatten().Apply(new EinsumDense("ab,bcd->acd", [2, 3], biasAxes: "cd", biasInitializer: new SharpKeras.Initializers.RandomNormal(seed: 2)).Apply(input));
        var model = new Model(input, y);
        var x = GradCheck.Random(6, -1, 1, 3, 12);
        var before = model.Predict(x, verbose: 0).ToArray();
        var dir = Directory.CreateTempSubdirectory("sk-einsum-").FullName;
        try
        {
            foreach (var file in new[] { "m.keras", "m.h5" })
            {
                var path = Path.Combine(dir, file);
                model.Save(path);
                Assert.Equal(before, Model.Load(path).Predict(x, verbose: 0).ToArray());
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BadInputNamesTheLayerAndBothShapes()
    {
        var layer = new EinsumDense("ab,bc->ac", 4, name: "proj");
        layer.EnsureBuilt(new Shape(-1, 5));
        var e = Assert.Throws<ArgumentException>(() => layer.Apply(GradCheck.Random(1, -1, 1, 2, 6)));
        Assert.Contains("proj", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 5)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 6)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new EinsumDense("ab->b", 4, name: "bad"));
        Assert.Contains("bad", e.Message, StringComparison.Ordinal);
        Assert.Contains("ab->b", e.Message, StringComparison.Ordinal);
        var wrongRank = new EinsumDense("abc,cd->abd", [-1, 4], name: "r3");
        e = Assert.Throws<ArgumentException>(() => wrongRank.Apply(GradCheck.Random(1, -1, 1, 2, 6)));
        Assert.Contains("r3", e.Message, StringComparison.Ordinal);
        Assert.Contains("rank 3", e.Message, StringComparison.Ordinal);
        var badBias = new EinsumDense("ab,bc->ac", 4, biasAxes: "z", name: "bz");
        e = Assert.Throws<ArgumentException>(() => badBias.Apply(GradCheck.Random(1, -1, 1, 2, 6)));
        Assert.Contains("'z'", e.Message, StringComparison.Ordinal);
        var badOut = new EinsumDense("ab,bc->ac", [4, 5], name: "bo");
        e = Assert.Throws<ArgumentException>(() => badOut.Apply(GradCheck.Random(1, -1, 1, 2, 6)));
        Assert.Contains("bo", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 5]", e.Message, StringComparison.Ordinal);
    }
}
