using System.Text.Json.Nodes;
using SharpKeras.Optimizers;
using SharpKeras.Optimizers.Schedules;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Optimizers;

/// <summary>The learning-rate schedules against Keras's formulas (worked out in double) at several steps, and their configs.</summary>
public class ScheduleTests
{
    private static readonly long[] s_steps = [0, 1, 2, 3, 4, 5, 7, 10, 11, 17, 30, 100];

    private static void Check(LearningRateSchedule schedule, Func<long, double> formula)
    {
        foreach (long s in s_steps)
        {
            double expected = formula(s);
            double actual = schedule.Call(s);
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(Math.Abs(expected), 1e-3), $"{schedule.ClassName} at step {s}: {actual}, formula {expected}");
        }
    }

    [Fact]
    public void ExponentialDecayFollowsKeras()
    {
        Check(new ExponentialDecay(0.1, 10, 0.5), s => 0.1 * Math.Pow(0.5, s / 10.0));
        Check(new ExponentialDecay(0.1, 3, 0.5, staircase: true), s => 0.1 * Math.Pow(0.5, Math.Floor(s / 3.0)));
    }

    [Fact]
    public void InverseTimeDecayFollowsKeras()
    {
        Check(new InverseTimeDecay(0.1, 5, 0.5), s => 0.1 / (1 + 0.5 * s / 5.0));
        Check(new InverseTimeDecay(0.1, 5, 0.5, staircase: true), s => 0.1 / (1 + 0.5 * Math.Floor(s / 5.0)));
    }

    [Fact]
    public void PiecewiseConstantDecayFollowsKeras()
    {
        Check(new PiecewiseConstantDecay([3, 10], [1.0, 0.5, 0.1]), s => s <= 3 ? 1.0 : s <= 10 ? 0.5 : 0.1);
        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([3, 10], [1.0, 0.5]));
    }

    [Fact]
    public void PolynomialDecayFollowsKeras()
    {
        Check(new PolynomialDecay(0.1, 10, 0.01, power: 2), s => 0.09 * Math.Pow(1 - Math.Min(s, 10) / 10.0, 2) + 0.01);
        Check(new PolynomialDecay(0.1, 10, 0.01, power: 0.5, cycle: true), s =>
        {
            double ds = 10 * (s == 0 ? 1 : Math.Ceiling(s / 10.0));
            return 0.09 * Math.Pow(1 - s / ds, 0.5) + 0.01;
        });
    }

    [Fact]
    public void CosineDecayFollowsKeras()
    {
        static double Decay(double s, double ds, double from, double alpha) => from * ((1 - alpha) * 0.5 * (1 + Math.Cos(Math.PI * s / ds)) + alpha);
        Check(new CosineDecay(0.1, 10, alpha: 0.1), s => Decay(Math.Min(s, 10), 10, 0.1, 0.1));
        // Warmup from 0.01 to 0.2 over 4 steps, then the decay from 0.2 over 10 steps.
        Check(new CosineDecay(0.01, 10, alpha: 0.05, warmupTarget: 0.2, warmupSteps: 4), s =>
        {
            double c = Math.Min(s, 14);
            return c < 4 ? (0.2 - 0.01) * (c / 4) + 0.01 : Decay(c - 4, 10, 0.2, 0.05);
        });
    }

    [Fact]
    public void CosineDecayRestartsFollowsKeras()
    {
        static Func<long, double> Formula(double initial, double first, double tMul, double mMul, double alpha) => s =>
        {
            double completed = s / first, i;
            if (tMul == 1)
            {
                i = Math.Floor(completed);
                completed -= i;
            }
            else
            {
                i = Math.Floor(Math.Log(1 - completed * (1 - tMul)) / Math.Log(tMul));
                double sumR = (1 - Math.Pow(tMul, i)) / (1 - tMul);
                completed = (completed - sumR) / Math.Pow(tMul, i);
            }
            double cosine = 0.5 * Math.Pow(mMul, i) * (1 + Math.Cos(Math.PI * completed));
            return initial * ((1 - alpha) * cosine + alpha);
        };
        Check(new CosineDecayRestarts(0.1, 4, tMul: 2, mMul: 0.5, alpha: 0.1), Formula(0.1, 4, 2, 0.5, 0.1));
        Check(new CosineDecayRestarts(0.1, 4, tMul: 1, mMul: 0.9), Formula(0.1, 4, 1, 0.9, 0));
        // A restart: after the first period of 4 steps the rate is back at m_mul times the start.
        Assert.Equal(0.1 * (0.9 * 0.5 + 0.1), new CosineDecayRestarts(0.1, 4, tMul: 2, mMul: 0.5, alpha: 0.1).Call(4), 6);
    }

    [Fact]
    public void DecayStepsMustBePositive()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 0, 0.5));
        Assert.Contains("decaySteps", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecayRestarts(0.1, -1));
    }

    public static TheoryData<string> Schedules() => ["exponential", "inverse", "piecewise", "polynomial", "cosine", "cosine_warmup", "restarts"];

    private static LearningRateSchedule Make(string kind) => kind switch
    {
        "exponential" => new ExponentialDecay(0.02, 2, 0.5, staircase: true, name: "exp"),
        "inverse" => new InverseTimeDecay(0.1, 5, 0.5),
        "piecewise" => new PiecewiseConstantDecay([1, 3], [0.02, 0.01, 0.005]),
        "polynomial" => new PolynomialDecay(0.1, 10, 0.001, 2, cycle: true),
        "cosine" => new CosineDecay(0.1, 100, 0.2),
        "cosine_warmup" => new CosineDecay(0.0, 3, 0.1, warmupTarget: 0.2, warmupSteps: 2),
        _ => new CosineDecayRestarts(0.1, 7, 1.5, 0.8, 0.05),
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void ConfigRoundTrips(string kind)
    {
        var schedule = Make(kind);
        var serialized = KerasSerializer.Serialize(schedule);
        Assert.Equal("keras.optimizers.schedules", serialized["module"]!.GetValue<string>());
        Assert.Null(serialized["registered_name"]);
        var back = KerasSerializer.LearningRateSchedule(JsonNode.Parse(serialized.ToJsonString()));
        Assert.Equal(schedule.GetType(), back.GetType());
        Assert.Equal(serialized.ToJsonString(), KerasSerializer.Serialize(back).ToJsonString());
        foreach (long s in s_steps)
        {
            Assert.Equal(schedule.Call(s), back.Call(s));
        }
        // Inside an optimizer's config the schedule is nested as Keras writes it, and comes back with the optimizer.
        var opt = new SGD(schedule, momentum: 0.5);
        var config = KerasSerializer.Serialize(opt);
        Assert.True(JsonNode.DeepEquals(serialized, config["config"]!["learning_rate"]));
        var again = (SGD)KerasSerializer.Optimizer(JsonNode.Parse(config.ToJsonString()));
        Assert.NotNull(again.Schedule);
        Assert.Equal(config.ToJsonString(), KerasSerializer.Serialize(again).ToJsonString());
    }

    [Fact]
    public void KerasWrittenScheduleConfigsLoad()
    {
        // As in optimizers.json (Keras 3.11): a CosineDecay with warmup nested in SGD's config.
        var node = JsonNode.Parse("""
            {"module": "keras.optimizers", "class_name": "SGD", "config": {"name": "SGD", "learning_rate": {"module": "keras.optimizers.schedules",
             "class_name": "CosineDecay", "config": {"initial_learning_rate": 0.0, "decay_steps": 3, "alpha": 0.1, "name": "CosineDecay",
             "warmup_target": 0.2, "warmup_steps": 2}, "registered_name": null}, "weight_decay": null, "clipnorm": null, "global_clipnorm": null,
             "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null,
             "gradient_accumulation_steps": null, "momentum": 0.0, "nesterov": false}, "registered_name": null}
            """);
        var opt = KerasSerializer.Optimizer(node);
        var cosine = Assert.IsType<CosineDecay>(opt.Schedule);
        Assert.Equal(0.2, cosine.WarmupTarget);
        Assert.Equal(0f, (float)opt.LearningRate);
        Assert.Equal(0.155f, cosine.Call(3), 6);
    }

    /// <summary>A user schedule: 1 / (step + 1) times a rate, registered so that configs naming it load.</summary>
    private sealed class InverseStep(double rate) : LearningRateSchedule, IKerasSerializable<InverseStep>
    {
        public double Rate { get; } = rate;

        public override float Call(long step) => (float)(Rate / (step + 1));

        public override JsonObject GetConfig() => new() { ["rate"] = Rate };

        public static InverseStep FromConfig(JsonObject config) => new(Cfg.Double(config, "rate"));
    }

    [Fact]
    public void UserSchedulesDriveTheOptimizerAndSerialize()
    {
        KerasSerializer.Register<InverseStep>("ScheduleTests");
        var opt = new SGD(new InverseStep(1.0));
        var w = new Variable("w", Tensor.FromArray([0f]));
        opt.ApplyGradients([Tensor.FromArray([1f])], [w]);
        opt.ApplyGradients([Tensor.FromArray([1f])], [w]);
        // Steps 0 and 1 use rates 1 and 1/2.
        Assert.Equal(-1.5f, w.Value.ToArray()[0], 6);
        Assert.Equal(1.0 / 3, opt.LearningRate, 6);
        var config = KerasSerializer.Serialize(opt);
        Assert.Equal("ScheduleTests>InverseStep", config["config"]!["learning_rate"]!["registered_name"]!.GetValue<string>());
        var back = KerasSerializer.Optimizer(JsonNode.Parse(config.ToJsonString()));
        Assert.IsType<InverseStep>(back.Schedule);
    }

    [Fact]
    public void ScheduledRateCannotBeSet()
    {
        var opt = new Adam(new ExponentialDecay(0.02, 2, 0.5));
        Assert.Equal(0.02, opt.LearningRate, 6);
        var e = Assert.Throws<InvalidOperationException>(() => opt.LearningRate = 0.1);
        Assert.Contains("not settable", e.Message, StringComparison.Ordinal);
        // A scheduled optimizer saves no learning_rate variable, as Keras.
        Assert.Single(opt.SaveableVariables());
        Assert.Equal(2, new Adam(0.1).SaveableVariables().Count);
    }

    [Fact]
    public void LearningRateArgumentConverts()
    {
        LearningRateArgument a = 0.5;
        LearningRateArgument b = new CosineDecay(0.1, 10);
        Assert.Equal(0.5, a.Value);
        Assert.NotNull(b.Schedule);
        Assert.True(default(LearningRateArgument).IsDefault);
        Assert.Equal(0.001, new Adam().LearningRate, 6);
        Assert.Equal(0.01, new SGD().LearningRate, 6);
    }
}

/// <summary>The learning-rate callbacks with a scheduled optimizer do what Keras does: setting the rate fails.</summary>
public class ScheduleCallbackTests
{
    [Fact]
    public void ReduceLROnPlateauCannotChangeAScheduledRate()
    {
        Config.SetRandomSeed(2);
        var model = new SharpKeras.Models.Sequential([new SharpKeras.Layers.Dense(2, 3, "softmax")]);
        model.Compile(new SGD(new ExponentialDecay(0.1, 10, 0.5)), "sparse_categorical_crossentropy");
        var x = Tensor.FromArray(new float[24], 8, 3);
        var y = Tensor.FromArray(new int[8]);
        // min_delta so large that no epoch improves: the callback tries to lower the rate after the first epoch.
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, batchSize: 4, epochs: 3, verbose: 0,
            callbacks: [new SharpKeras.Callbacks.ReduceLROnPlateau("loss", patience: 0, minDelta: 100)]));
        Assert.Contains("not settable", e.Message, StringComparison.Ordinal);
        // With a plain rate the same callback lowers it.
        var plain = new SharpKeras.Models.Sequential([new SharpKeras.Layers.Dense(2, 3, "softmax")]);
        plain.Compile(new SGD(0.1), "sparse_categorical_crossentropy");
        plain.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0, callbacks: [new SharpKeras.Callbacks.ReduceLROnPlateau("loss", patience: 0, minDelta: 100)]);
        Assert.True(plain.Optimizer!.LearningRate < 0.1 * 0.1 * 1.0001);
    }
}
