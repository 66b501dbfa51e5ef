using System.Text.Json.Nodes;
using SharpKeras.Models;
using SharpKeras.Saving;
using SharpKeras.Tests.Saving;

namespace SharpKeras.Tests.Optimizers;

/// <summary>
/// Every entry of keras-refs2/optimizers.json: the untrained compiled model (opt_init_NAME.keras) is
/// recompiled with the optimizer built from Keras's config by the deserializer and trained with 5
/// TrainOnBatch calls; the losses (Keras's running mean), the learning rate of each step, the final
/// weights and the optimizer variables of opt_NAME.keras must match what Keras 3.11 produced.
/// </summary>
public sealed class KerasOptimizerParityTests
{
    private static JsonObject Reference() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(KerasOptimizerFileTests.s_dir!, "optimizers.json")))!["optimizers"]!;

    public static TheoryData<string> Entries()
    {
        var data = new TheoryData<string>();
        if (KerasOptimizerFileTests.s_dir is not null)
        {
            foreach (var (key, _) in Reference())
            {
                data.Add(key);
            }
        }
        else
        {
            data.Add("adam");
        }
        return data;
    }

    [Refs2Theory]
    [MemberData(nameof(Entries))]
    public void FiveStepsMatchKeras(string key)
    {
        string dir = KerasOptimizerFileTests.s_dir!;
        var reference = Reference()[key]!;
        var model = Model.Load(Path.Combine(dir, $"opt_init_{key}.keras"));
        var optimizer = KerasSerializer.Optimizer(reference["optimizer_config"]);
        // The deserialized optimizer writes back Keras's config field for field (the learning-rate schedule included).
        var kerasConfig = (JsonObject)reference["optimizer_config"]!["config"]!;
        var ours = optimizer.GetConfig();
        foreach (var (field, value) in kerasConfig)
        {
            Assert.True(JsonNode.DeepEquals(value, ours[field]), $"{key}: {field} is {ours[field]?.ToJsonString()} here, {value?.ToJsonString()} in Keras's config");
        }
        Assert.Equal(kerasConfig.Count, ours.Count);
        model.Compile(optimizer, "sparse_categorical_crossentropy");
        var x = NumpyFile.Load(Path.Combine(dir, "optimizers_x.npy"));
        var y = NumpyFile.Load(Path.Combine(dir, "optimizers_y.npy"));
        var losses = reference["losses"]!.AsArray();
        var rates = reference["learning_rate_before_step"]!.AsArray();
        for (int step = 0; step < 5; step++)
        {
            double rate = rates[step]!.GetValue<double>();
            Assert.True(Math.Abs(optimizer.LearningRate - rate) <= 1e-7 * Math.Max(rate, 1e-3), $"{key} step {step}: learning rate {optimizer.LearningRate}, Keras {rate}");
            double loss = model.TrainOnBatch(x, y).Loss;
            double expected = losses[step]!.GetValue<double>();
            Assert.True(Math.Abs(loss - expected) <= 1e-4 * Math.Abs(expected), $"{key} step {step}: loss {loss}, Keras {expected}");
        }
        Assert.Equal(5, optimizer.Iterations);
        var finals = reference["final_weights"]!.AsArray();
        Assert.Equal(finals.Count, model.Weights.Count);
        for (int i = 0; i < finals.Count; i++)
        {
            var expected = Flatten(finals[i]!);
            var actual = model.Weights[i].Value.ToArray();
            Assert.Equal(expected.Count, actual.Length);
            for (int j = 0; j < actual.Length; j++)
            {
                Assert.True(Math.Abs(actual[j] - expected[j]) <= 1e-5, $"{key}: weight {i}[{j}] is {actual[j]}, Keras {expected[j]}");
            }
        }

        // Keras's own model after the same 5 steps: its optimizer variables, in Keras's order, are ours.
        var saved = Model.Load(Path.Combine(dir, reference["saved_model"]!.GetValue<string>()));
        var theirs = saved.Optimizer!.SaveableVariables();
        var mine = optimizer.SaveableVariables();
        Assert.Equal(reference["optimizer_variables"]!.AsArray().Count, theirs.Count);
        Assert.Equal(theirs.Count, mine.Count);
        Assert.Equal(5, theirs[0].GetInt(0));
        Assert.Equal(5, mine[0].GetInt(0));
        for (int v = 1; v < theirs.Count; v++)
        {
            var a = mine[v].ToArray();
            var b = theirs[v].ToArray();
            Assert.Equal(b.Length, a.Length);
            for (int j = 0; j < a.Length; j++)
            {
                Assert.True(Math.Abs(a[j] - b[j]) <= 1e-5 + 1e-4 * Math.Abs(b[j]), $"{key}: optimizer variable {v}[{j}] is {a[j]} here, {b[j]} in Keras's file");
            }
        }
        Assert.Equal(saved.Optimizer.GetConfig().ToJsonString(), optimizer.GetConfig().ToJsonString());
    }

    private static List<double> Flatten(JsonNode node)
    {
        var list = new List<double>();
        void Walk(JsonNode n)
        {
            if (n is JsonArray a)
            {
                foreach (var c in a)
                {
                    Walk(c!);
                }
            }
            else
            {
                list.Add(n.GetValue<double>());
            }
        }
        Walk(node);
        return list;
    }
}
