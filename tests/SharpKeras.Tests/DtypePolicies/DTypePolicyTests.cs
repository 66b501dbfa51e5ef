using System.Text.Json.Nodes;
using SharpKeras.DtypePolicies;
using SharpKeras.Layers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.DtypePolicies;

/// <summary>DTypePolicy's names, config round trip, errors, and the global policy per flow (keras.config.set_dtype_policy).</summary>
public class DTypePolicyTests
{
    // A Dense config as Keras 3.11 writes it under mixed_bfloat16 (shared_object_id included, as Keras writes one).
    private const string KerasDense = """
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_6", "trainable": true,
         "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_bfloat16"}, "registered_name": null, "shared_object_id": 140191301310992},
         "units": 4, "activation": "relu", "use_bias": true,
         "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
         "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
         "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
         "registered_name": null, "build_config": {"input_shape": [null, 3]}}
        """;

    [Fact]
    public void NamesGiveKerasDtypes()
    {
        var mixed = new DTypePolicy("mixed_bfloat16");
        Assert.Equal(("mixed_bfloat16", "bfloat16", "float32"), (mixed.Name, mixed.ComputeDtype, mixed.VariableDtype));
        var f32 = new DTypePolicy("float32");
        Assert.Equal(("float32", "float32", "float32"), (f32.Name, f32.ComputeDtype, f32.VariableDtype));
        Assert.Equal("<DTypePolicy \"mixed_bfloat16\">", mixed.ToString());
        Assert.Equal(mixed, (DTypePolicy)"mixed_bfloat16");
        Assert.NotEqual(mixed, f32);
        Assert.Null(mixed.QuantizationMode);
    }

    [Fact]
    public void ConfigRoundTripsAsKerasWritesIt()
    {
        var policy = new DTypePolicy("mixed_bfloat16");
        var node = KerasSerializer.Serialize(policy);
        Assert.Equal("""{"module":"keras","class_name":"DTypePolicy","config":{"name":"mixed_bfloat16"},"registered_name":null}""", node.ToJsonString());
        Assert.Equal(policy, KerasSerializer.DTypePolicy(JsonNode.Parse(node.ToJsonString())));
        Assert.Equal(policy, DTypePolicy.FromConfig(policy.GetConfig()));
        // Keras also accepts a plain dtype name, and the FloatDTypePolicy alias.
        Assert.Equal(policy, KerasSerializer.DTypePolicy(JsonValue.Create("mixed_bfloat16")));
        Assert.Equal(new DTypePolicy("float32"), KerasSerializer.DTypePolicy(JsonNode.Parse("""{"class_name": "FloatDTypePolicy", "config": {"name": "float32"}}""")));
    }

    [Fact]
    public void KerasLayerConfigUnderMixedBfloat16LoadsWithItsPolicy()
    {
        var layer = KerasSerializer.Layer(JsonNode.Parse(KerasDense));
        Assert.Equal("mixed_bfloat16", layer.DtypePolicy.Name);
        Assert.Equal("bfloat16", layer.ComputeDtype);
        Assert.Equal("float32", layer.VariableDtype);
        Assert.Equal("""{"module":"keras","class_name":"DTypePolicy","config":{"name":"mixed_bfloat16"},"registered_name":null}""", layer.GetConfig()["dtype"]!.ToJsonString());
        var again = KerasSerializer.Layer(JsonNode.Parse(KerasSerializer.Serialize(layer).ToJsonString()));
        Assert.Equal(layer.DtypePolicy, again.DtypePolicy);
        // A plain dtype string, as older Keras wrote it.
        var plain = KerasSerializer.Layer(JsonNode.Parse(KerasDense.Replace("""{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_bfloat16"}, "registered_name": null, "shared_object_id": 140191301310992}""", "\"float32\"")));
        Assert.Equal("float32", plain.DtypePolicy.Name);
    }

    [Theory]
    [InlineData("mixed_float16", "loss scaling")]
    [InlineData("float16", "loss scaling")]
    [InlineData("bfloat16", "variables in float32")]
    [InlineData("float64", "computes in float32")]
    [InlineData("mixed_bfloat61", "not a dtype policy")]
    public void UnsupportedNamesFailClearly(string name, string reason)
    {
        var direct = Assert.ThrowsAny<Exception>(() => new DTypePolicy(name));
        Assert.Contains(reason, direct.Message);
        Assert.Contains(name, direct.Message);
        var global = Assert.ThrowsAny<Exception>(() => Config.SetDtypePolicy(name));
        Assert.Contains("Config.SetDtypePolicy", global.Message);
        // From a file: the error names the layer and the field.
        var json = KerasDense.Replace("\"name\": \"mixed_bfloat16\"", $"\"name\": \"{name}\"");
        var fromFile = Assert.ThrowsAny<Exception>(() => KerasSerializer.Layer(JsonNode.Parse(json)));
        Assert.Contains("dense_6", fromFile.ToString());
        Assert.Contains("\"dtype\"", fromFile.ToString());
        Assert.Contains(reason, fromFile.ToString());
    }

    [Fact]
    public void QuantizedPolicyClassesAreRefused()
    {
        var json = KerasDense.Replace("\"class_name\": \"DTypePolicy\"", "\"class_name\": \"QuantizedDTypePolicy\"");
        var e = Assert.ThrowsAny<Exception>(() => KerasSerializer.Layer(JsonNode.Parse(json)));
        Assert.Contains("QuantizedDTypePolicy", e.ToString());
    }

    [Fact]
    public async Task GlobalPolicyIsPerFlowAndLayersTakeItWhenMade()
    {
        // Two flows set different policies at once; each sees its own, and this test's flow keeps float32.
        using var bothSet = new Barrier(2);
        DTypePolicy[] Flow(string name) 
        {
            Config.SetDtypePolicy(name);
            bothSet.SignalAndWait(TimeSpan.FromSeconds(10));
            var dense = new Dense(2);
            return [Config.DtypePolicy(), Keras.MixedPrecision.GlobalPolicy(), dense.DtypePolicy, new DTypePolicy()];
        }
        var mixed = Task.Run(() => Flow("mixed_bfloat16"));
        var plain = Task.Run(() => Flow("float32"));
        var results = await Task.WhenAll(mixed, plain);
        Assert.All(results[0], p => Assert.Equal("mixed_bfloat16", p.Name));
        Assert.All(results[1], p => Assert.Equal("float32", p.Name));
        Assert.Equal("float32", Config.DtypePolicy().Name);
        Assert.Equal("float32", new Dense(2).DtypePolicy.Name);
    }

    [Fact]
    public async Task LayerPolicyCanBeSetPerLayerAndInputsStayFloat32()
    {
        var (dense, overridden, input) = await Task.Run(() =>
        {
            Keras.MixedPrecision.SetGlobalPolicy("mixed_bfloat16");
            return (new Dense(2), new Dense(2) { DtypePolicy = "float32" }, new InputLayer([3]));
        });
        Assert.Equal("mixed_bfloat16", dense.DtypePolicy.Name);
        Assert.Equal("float32", overridden.DtypePolicy.Name);
        Assert.Equal("float32", input.DtypePolicy.Name);
        Assert.Throws<ArgumentNullException>(() => dense.DtypePolicy = null!);
    }
}
