using System.Text.Json.Nodes;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Compiled models that Keras 3.11 saved after 5 training steps (../shared/keras-refs2/opt_*.keras,
/// optimizers.json) load compiled, with the optimizer's hyperparameters and its variables in Keras's
/// order (Adam's AMSGrad v_hat after all m and v, RMSprop grouped by kind).
/// </summary>
public sealed class KerasOptimizerFileTests
{
    internal static readonly string? s_dir = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "keras-refs2");
            if (File.Exists(Path.Combine(candidate, "optimizers.json")))
            {
                return candidate;
            }
        }
        return null;
    }

    public static TheoryData<string, string> Files() => new()
    {
        { "adam", "Adam" },
        { "adam_amsgrad", "Adam" },
        { "adam_beta2_0.6", "Adam" },
        { "rmsprop_centered", "RMSprop" },
        { "sgd_momentum_nesterov", "SGD" },
    };

    [Refs2Theory]
    [MemberData(nameof(Files))]
    public void KerasSavedOptimizerStateLoads(string key, string className)
    {
        var dir = s_dir!;
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "optimizers.json")))!["optimizers"]![key]!;
        var model = Model.Load(Path.Combine(dir, reference["saved_model"]!.GetValue<string>()));
        Assert.True(model.Compiled, $"{key}: the model came back uncompiled");
        var optimizer = model.Optimizer!;
        Assert.Equal(className, optimizer.ClassName);
        Assert.Equal(5, optimizer.Iterations);
        int slots = reference["optimizer_variables"]!.AsArray().Count - 2;
        Assert.Equal(slots, optimizer.Slots.Sum(s => s.Count));
        var config = (JsonObject)reference["optimizer_config"]!["config"]!;
        var ours = optimizer.GetConfig();
        foreach (var (field, value) in config)
        {
            if (field != "name")
            {
                Assert.True(JsonNode.DeepEquals(value, ours[field]), $"{key}: {field} is {ours[field]?.ToJsonString()} here, {value?.ToJsonString()} in Keras's file");
            }
        }
        var x = NumpyFile.Load(Path.Combine(dir, "optimizers_x.npy"));
        var y = NumpyFile.Load(Path.Combine(dir, "optimizers_y.npy"));
        Assert.Equal(reference["loss_after_5_steps"]!.GetValue<double>(), model.Evaluate(x, y, verbose: 0).Loss, 5);
    }
}

/// <summary>A theory that needs ../shared/keras-refs2; skipped visibly when it is absent.</summary>
internal sealed class Refs2TheoryAttribute : TheoryAttribute
{
    public Refs2TheoryAttribute()
    {
        if (KerasOptimizerFileTests.s_dir is null)
        {
            Skip = "Keras reference files not found (expected ../shared/keras-refs2 beside the checkout)";
        }
    }
}
