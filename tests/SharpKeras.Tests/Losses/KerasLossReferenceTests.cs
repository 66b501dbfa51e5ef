using System.Text.Json.Nodes;
using SharpKeras.Losses;
using SharpKeras.Saving;
using SharpKeras.Tests.Saving;

namespace SharpKeras.Tests.Losses;

/// <summary>Every loss of ../shared/keras-refs2/losses_metrics.json, built from Keras's own config, against Keras 3.11's values.</summary>
public class KerasLossReferenceTests
{
    internal static JsonObject Refs() => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(KerasOptimizerFileTests.s_dir!, "losses_metrics.json")))!;

    internal static Tensor Npy(string file) => NumpyFile.Load(Path.Combine(KerasOptimizerFileTests.s_dir!, file));

    internal static void Close(double expected, double actual, string what)
    {
        double tol = 1e-5 * Math.Abs(expected) + 1e-6;
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected}, got {actual}");
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        if (KerasOptimizerFileTests.s_dir is not null)
        {
            foreach (var kv in (JsonObject)Refs()["losses"]!)
            {
                data.Add(kv.Key);
            }
        }
        return data;
    }

    [Refs2Theory]
    [MemberData(nameof(Names))]
    public void LossMatchesKeras(string key)
    {
        var r = Refs()["losses"]![key]!;
        var node = new JsonObject { ["class_name"] = r["class"]!.GetValue<string>(), ["config"] = r["config"]!.DeepClone() };
        var loss = KerasSerializer.Loss(node);
        Assert.Equal(r["class"]!.GetValue<string>(), loss.ClassName);
        var yTrue = Npy(r["y_true"]!.GetValue<string>());
        var yPred = Npy(r["y_pred"]!.GetValue<string>());
        var sw = Npy("lm_sample_weight.npy");
        // Keras 3.11's Huber config leaves delta out, so the file's per-sample values are delta 1's; its reduced values are delta 0.5's.
        var valued = key == "huber_delta0.5" ? new Huber(0.5) : loss;
        Close(r["value"]!.GetValue<double>(), valued.Compute(yTrue, yPred).Item(), key + " value");
        Close(r["value_sample_weight"]!.GetValue<double>(), valued.Compute(yTrue, yPred, sw).Item(), key + " value_sample_weight");
        var perSample = loss.Call(yTrue, yPred).ToArray();
        var expected = r["per_sample"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(expected.Length, perSample.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], perSample[i], $"{key} per_sample[{i}]");
        }
        var back = KerasSerializer.Loss(new JsonObject { ["class_name"] = loss.ClassName, ["config"] = loss.GetConfig() });
        Assert.Equal(loss.GetConfig().ToJsonString(), back.GetConfig().ToJsonString());
    }
}
