using System.Text.Json.Nodes;
using SharpKeras.Metrics;
using SharpKeras.Saving;
using SharpKeras.Tests.Losses;
using SharpKeras.Tests.Saving;

namespace SharpKeras.Tests.Metrics;

/// <summary>Every metric of ../shared/keras-refs2/losses_metrics.json: one update, with sample weights, and two half-batch updates.</summary>
public class KerasMetricReferenceTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        if (KerasOptimizerFileTests.s_dir is not null)
        {
            foreach (var kv in (JsonObject)KerasLossReferenceTests.Refs()["metrics"]!)
            {
                data.Add(kv.Key);
            }
        }
        return data;
    }

    private static void Check(JsonNode expected, Metric m, string what)
    {
        var got = m.ResultValues();
        if (expected is JsonArray a)
        {
            Assert.Equal(a.Count, got.Length);
            for (int i = 0; i < a.Count; i++)
            {
                KerasLossReferenceTests.Close(a[i]!.GetValue<double>(), got[i], $"{what}[{i}]");
            }
        }
        else
        {
            KerasLossReferenceTests.Close(expected.GetValue<double>(), m.Result(), what);
        }
    }

    [Refs2Theory]
    [MemberData(nameof(Names))]
    public void MetricMatchesKeras(string key)
    {
        var r = KerasLossReferenceTests.Refs()["metrics"]![key]!;
        Metric Make() => KerasSerializer.Metric(new JsonObject { ["class_name"] = r["class"]!.GetValue<string>(), ["config"] = r["config"]!.DeepClone() });
        var yTrue = KerasLossReferenceTests.Npy(r["y_true"]!.GetValue<string>());
        var yPred = KerasLossReferenceTests.Npy(r["y_pred"]!.GetValue<string>());
        var sw = KerasLossReferenceTests.Npy("lm_sample_weight.npy");
        int n = yPred.Shape[0], h = n / 2;

        var m = Make();
        Assert.Equal(r["config"]!["name"]!.GetValue<string>(), m.Name);
        m.UpdateState(yTrue, yPred);
        Check(r["value"]!, m, key + " value");

        m.ResetState();
        m.UpdateState(yTrue, yPred, sw);
        Check(r["value_sample_weight"]!, m, key + " value_sample_weight");

        m.ResetState();
        m.UpdateState(yTrue.Slice(0, h), yPred.Slice(0, h));
        m.UpdateState(yTrue.Slice(h, n - h), yPred.Slice(h, n - h));
        Check(r["value_two_updates"]!, m, key + " value_two_updates");

        m = Make();
        m.UpdateState(yTrue.Slice(0, h), yPred.Slice(0, h), sw.Slice(0, h));
        m.UpdateState(yTrue.Slice(h, n - h), yPred.Slice(h, n - h), sw.Slice(h, n - h));
        Check(r["value_two_updates_sample_weight"]!, m, key + " value_two_updates_sample_weight");

        var back = KerasSerializer.Metric(new JsonObject { ["class_name"] = m.ClassName, ["config"] = m.GetConfig() });
        Assert.Equal(m.GetConfig().ToJsonString(), back.GetConfig().ToJsonString());
    }

    [Fact]
    public void PrecisionAndAucUpdatesAllocateNothingAfterTheFirst()
    {
        var y = Tensor.FromArray(new float[] { 1, 0, 1, 1, 0, 0, 1, 0 }, 8, 1);
        var p = Tensor.FromArray(new float[] { 0.9f, 0.2f, 0.4f, 0.7f, 0.6f, 0.1f, 0.8f, 0.3f }, 8, 1);
        var metrics = new Metric[] { Metric.Get("precision"), Metric.Get("auc"), Metric.Get("recall"), Metric.Get("mae"), new BinaryAccuracy() };
        foreach (var m in metrics)
        {
            m.UpdateState(y, p);
        }
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 10; s++)
        {
            foreach (var m in metrics)
            {
                m.UpdateState(y, p);
                _ = m.Result();
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - start);
        Assert.Equal(0.75, metrics[0].Result(), 6);
        Assert.Equal("mae", metrics[3].Name);
    }

    [Fact]
    public void CompileResolvesKerasIdentifiersUnderTheirOwnNames()
    {
        Assert.IsType<SharpKeras.Metrics.MeanAbsoluteError>(Metric.Get("mae"));
        Assert.IsType<AUC>(Metric.Get("auc"));
        Assert.IsType<Precision>(Metric.Get("Precision"));
        Assert.Equal("root_mean_squared_error", Metric.Get("root_mean_squared_error").Name);
        Assert.Throws<ArgumentException>(() => Metric.Get("no_such_metric"));
    }
}
