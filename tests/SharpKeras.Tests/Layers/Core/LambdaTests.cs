using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Core;

/// <summary>Lambda: registered C# delegates, Keras's function config, shape inference, saving, and refusal of unknown functions.</summary>
public class LambdaTests
{
    static LambdaTests()
    {
        Lambda.Register("Test>square_plus_one", x => Ops.Add(Ops.Multiply(x, x), Tensor.Scalar(1f)));
        Lambda.Register("row_sum", x => Ops.Sum(x, -1));
    }

    [Fact]
    public void CallsTheRegisteredFunctionElementByElement()
    {
        var x = Random(1, -2, 2, 3, 4);
        var y = new Lambda("Test>square_plus_one").Apply(x).ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(xs[i] * xs[i] + 1f, y[i], 6);
        }
        var sums = new Lambda("row_sum").Apply(Random(2, -1, 1, 2, 3, 4));
        Assert.Equal(new Shape(2, 3), sums.Shape);
        var xr = Random(2, -1, 1, 2, 3, 4).ToArray();
        for (int r = 0; r < 6; r++)
        {
            double s = 0;
            for (int c = 0; c < 4; c++)
            {
                s += xr[r * 4 + c];
            }
            Assert.True(Math.Abs(sums.ToArray()[r] - s) < 1e-5, $"row {r}");
        }
    }

    [Fact]
    public void GradientsFlowThroughTheFunction()
    {
        Check(t => new Lambda("Test>square_plus_one").Apply(t[0]), [Random(3, -1, 1, 2, 5)]);
        Check(t => new Lambda("row_sum").Apply(t[0]), [Random(4, -1, 1, 2, 3, 2)]);
    }

    [Fact]
    public void OutputShapeIsInferredOrTakenAsDeclared()
    {
        var input = SharpKeras.Keras.Input([3, 4]);
        Assert.Equal(new Shape(-1, 3), new Lambda("row_sum").Apply(input).Shape);
        var declared = new Lambda("row_sum", outputShape: [3]);
        Assert.Equal(new Shape(-1, 3), declared.ComputeOutputShape(new Shape(-1, 3, 4)));
    }

    [Fact]
    public void ConfigIsKerasFunctionConfigAndRoundTrips()
    {
        var layer = new Lambda("Test>square_plus_one", outputShape: [4], name: "sq");
        var c = layer.GetConfig();
        var fn = c["function"]!.AsObject();
        Assert.Equal("function", fn["class_name"]!.GetValue<string>());
        Assert.Equal("square_plus_one", fn["config"]!.GetValue<string>());
        Assert.Equal("Test>square_plus_one", fn["registered_name"]!.GetValue<string>());
        Assert.Empty(c["arguments"]!.AsObject());
        var back = Assert.IsType<Lambda>(KerasSerializer.Layer(KerasSerializer.Serialize(layer)));
        Assert.Equal("Test>square_plus_one", back.FunctionName);
        Assert.Equal([4], back.OutputShapeArgument!);
        Assert.Equal("sq", back.Name);
        Assert.Equal(c.ToJsonString(), back.GetConfig().ToJsonString());
    }

    [Fact]
    public void AModelWithALambdaSavesAndLoads()
    {
        var input = SharpKeras.Keras.Input([3, 4]);
        var model = new Model(input, new Dense(2).Apply(new Lambda("row_sum", name: "sums").Apply(new Lambda("Test>square_plus_one").Apply(input))));
        var x = Random(5, -1, 1, 2, 3, 4);
        var before = model.Predict(x, verbose: 0).ToArray();
        var dir = Directory.CreateTempSubdirectory("sk-lambda-").FullName;
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
    public void AnUnregisteredFunctionIsRefusedNamingTheLayerAndHowToRegister()
    {
        var e = Assert.Throws<ArgumentException>(() => new Lambda("Test>never_registered", name: "lam"));
        Assert.Contains("'lam'", e.Message);
        Assert.Contains("Lambda.Register(\"Test>never_registered\"", e.Message);

        var config = KerasSerializer.Serialize(new Lambda("row_sum", name: "lost"))!.AsObject();
        var fn = config["config"]!["function"]!.AsObject();
        fn["config"] = "missing_fn";
        fn["registered_name"] = "Custom>missing_fn";
        var ce = Assert.Throws<ConfigException>(() => KerasSerializer.Layer(config));
        Assert.Contains("'lost'", ce.Message);
        Assert.Contains("Lambda.Register(\"Custom>missing_fn\"", ce.Message);

        // A Python lambda as Keras writes it: refused unless a delegate is registered under the layer's name.
        config["config"]!["function"] = new JsonObject
        {
            ["class_name"] = "__lambda__",
            ["config"] = new JsonObject { ["code"] = "4wEAAAAA", ["defaults"] = null, ["closure"] = null },
        };
        config["config"]!["name"] = "py_lambda_layer";
        ce = Assert.Throws<ConfigException>(() => KerasSerializer.Layer(config));
        Assert.Contains("'py_lambda_layer'", ce.Message);
        Assert.Contains("Python lambda", ce.Message);
        Assert.Contains("Lambda.Register(\"py_lambda_layer\"", ce.Message);
        Lambda.Register("py_lambda_layer", x => Ops.Multiply(x, Tensor.Scalar(2f)));
        var loaded = Assert.IsType<Lambda>(KerasSerializer.Layer(config));
        Assert.Equal(new[] { 2f, -4f }, loaded.Apply(Tensor.FromArray(new[] { 1f, -2f }, 1, 2)).ToArray());

        config["config"]!["arguments"] = new JsonObject { ["alpha"] = 2 };
        ce = Assert.Throws<ConfigException>(() => KerasSerializer.Layer(config));
        Assert.Contains("alpha", ce.Message);
    }
}
