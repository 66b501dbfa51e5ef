using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Models;

/// <summary>Keras's <c>to_json</c> / <c>model_from_json</c> and <c>clone_model</c>.</summary>
public class ModelJsonTests
{
    private static Model Functional()
    {
        var input = Keras.Input([5], name: "features");
        var h = new Dense(7, activation: "relu", name: "hidden").Apply(input);
        return new Model(input, new Dense(2, activation: "softmax", name: "probs").Apply(h), name: "classifier");
    }

    [Fact]
    public void ToJsonRoundTripsTheArchitectureWithFreshWeights()
    {
        Config.SetRandomSeed(1);
        var model = Functional();
        string json = model.ToJson();
        var node = JsonNode.Parse(json)!.AsObject();
        Assert.Equal("Functional", node["class_name"]!.GetValue<string>());
        Assert.Equal("classifier", node["config"]!["name"]!.GetValue<string>());
        var back = Model.FromJson(json);
        Assert.Equal(model.Layers.Select(l => l.Name), back.Layers.Select(l => l.Name));
        Assert.Equal(model.Weights.Select(w => w.Shape), back.Weights.Select(w => w.Shape));
        Assert.Equal(json, back.ToJson());
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), Keras.Models.ModelFromJson(json).ToJson());
    }

    [Fact]
    public void FromJsonRejectsTextThatIsNotAModelConfig()
    {
        var bad = Assert.Throws<FormatException>(() => Model.FromJson("{not json"));
        Assert.Contains("not valid JSON", bad.Message);
        var array = Assert.Throws<FormatException>(() => Model.FromJson("[1, 2]"));
        Assert.Contains("expected a JSON object", array.Message);
    }

    [Fact]
    public void CloneModelHasTheSameConfigAndItsOwnFreshWeights()
    {
        Config.SetRandomSeed(2);
        var model = new Sequential([Keras.Input([4]), new Dense(6, activation: "tanh"), new Dense(1)]);
        model.Compile("adam", "mse");
        var clone = Keras.Models.CloneModel(model);
        Assert.False(clone.Compiled);
        Assert.IsType<Sequential>(clone);
        Assert.Equal(model.ToConfig()["config"]!.ToJsonString(), clone.ToConfig()["config"]!.ToJsonString());
        Assert.Equal(model.Weights.Count, clone.Weights.Count);
        Assert.NotEqual(model.GetWeights()[0].ToArray(), clone.GetWeights()[0].ToArray());
        Assert.All(clone.Weights, w => Assert.DoesNotContain(w, model.Weights));
        // Training the clone leaves the original alone.
        var before = model.GetWeights()[0].ToArray();
        clone.Compile("sgd", "mse");
        clone.Fit(Tensor.Ones(new Shape(8, 4)), Tensor.Zeros(new Shape(8, 1)), verbose: 0);
        Assert.Equal(before, model.GetWeights()[0].ToArray());
    }
}
