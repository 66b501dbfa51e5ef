using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Optimizers.Schedules;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Optimizers;

/// <summary>
/// Keras's base-optimizer options on small hand-worked cases: clipping, decoupled weight decay and its
/// exclusions, EMA, gradient accumulation, loss scaling; and every optimizer's config round trip.
/// </summary>
public class OptimizerBaseOptionTests
{
    private static Variable V(string name, params float[] values) => new(name, Tensor.FromArray(values));

    private static void Close(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"[{i}]: {actual[i]}, expected {expected[i]}");
        }
    }

    private static void Step(Optimizer opt, Variable w, params float[] g) => opt.ApplyGradients([Tensor.FromArray(g)], [w]);

    [Fact]
    public void ClipnormRescalesEachGradient()
    {
        var w = V("w", 0f, 0f);
        Step(new SGD(1.0, clipnorm: 1.0), w, 3f, 4f);
        Close(new[] { -0.6f, -0.8f }, w.Value.ToArray());
        var small = V("w", 0f, 0f);
        Step(new SGD(1.0, clipnorm: 10.0), small, 3f, 4f);
        Close(new[] { -3f, -4f }, small.Value.ToArray());
    }

    [Fact]
    public void ClipvalueClipsEachElement()
    {
        var w = V("w", 0f, 0f, 0f);
        Step(new SGD(1.0, clipvalue: 1.0), w, 3f, -0.5f, -7f);
        Assert.Equal(new[] { -1f, 0.5f, 1f }, w.Value.ToArray());
    }

    [Fact]
    public void GlobalClipnormRescalesAllGradientsTogether()
    {
        var (a, b) = (V("a", 0f), V("b", 0f));
        new SGD(1.0, globalClipnorm: 1.0).ApplyGradients([Tensor.FromArray([3f]), Tensor.FromArray([4f])], [a, b]);
        Assert.Equal(-0.6f, a.Value.ToArray()[0], 6);
        Assert.Equal(-0.8f, b.Value.ToArray()[0], 6);
    }

    [Fact]
    public void OnlyOneClippingOption()
    {
        var e = Assert.Throws<ArgumentException>(() => new Adam(clipnorm: 1, clipvalue: 1));
        Assert.Contains("only one of clipnorm, clipvalue and globalClipnorm", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(gradientAccumulationSteps: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(useEma: true, emaMomentum: 1.5));
        Assert.Throws<ArgumentException>(() => new AdamW(weightDecay: null));
    }

    [Fact]
    public void WeightDecayIsDecoupledAndHonoursExclusions()
    {
        // w *= 1 - weight_decay * lr before the update: 1 * (1 - 0.5 * 0.1) - 0.1 * 1 = 0.85.
        var opt = new SGD(0.1, weightDecay: 0.5);
        var (kernel, bias, other) = (V("kernel", 1f), V("bias", 1f), V("gamma", 1f));
        opt.ExcludeFromWeightDecay(varList: [other], varNames: ["bia"]);
        opt.ApplyGradients([Tensor.FromArray([1f]), Tensor.FromArray([1f]), Tensor.FromArray([1f])], [kernel, bias, other]);
        Assert.Equal(0.85f, kernel.Value.ToArray()[0], 6);
        Assert.Equal(0.9f, bias.Value.ToArray()[0], 6);
        Assert.Equal(0.9f, other.Value.ToArray()[0], 6);
        Assert.Throws<InvalidOperationException>(() => opt.ExcludeFromWeightDecay(varNames: ["x"]));
    }

    [Fact]
    public void EmaAveragesTheWeightsAndOverwrites()
    {
        // lr 1, g = -1 each step: w = 1, 2, 3. The first average is the weight itself, then
        // avg = 0.5 avg + 0.5 w: 1, 1.5; with ema_overwrite_frequency 2 the weight becomes 1.5 after step 2.
        var opt = new SGD(1.0, useEma: true, emaMomentum: 0.5);
        var w = V("w", 0f);
        Step(opt, w, -1f);
        Assert.Equal(1f, opt.MovingAverages[0].ToArray()[0]);
        Step(opt, w, -1f);
        Assert.Equal(2f, w.Value.ToArray()[0]);
        Assert.Equal(1.5f, opt.MovingAverages[0].ToArray()[0]);
        opt.FinalizeVariableValues([w]);
        Assert.Equal(1.5f, w.Value.ToArray()[0]);

        var every2 = new SGD(1.0, useEma: true, emaMomentum: 0.5, emaOverwriteFrequency: 2);
        var u = V("u", 0f);
        Step(every2, u, -1f);
        Assert.Equal(1f, u.Value.ToArray()[0]);
        Step(every2, u, -1f);
        Assert.Equal(1.5f, u.Value.ToArray()[0]);
        // The averages are saved after iterations and learning rate, before the slots (Keras's build order).
        Assert.Equal(3, every2.SaveableVariables().Count);
    }

    [Fact]
    public void GradientAccumulationUpdatesWithTheMeanEveryNSteps()
    {
        var opt = new SGD(1.0, momentum: 0.5, gradientAccumulationSteps: 2);
        var w = V("w", 0f);
        Step(opt, w, 1f);
        Assert.Equal(0f, w.Value.ToArray()[0]);
        Assert.Equal(0, opt.Iterations);
        Step(opt, w, 3f);
        Assert.Equal(-2f, w.Value.ToArray()[0]);
        Assert.Equal(1, opt.Iterations);
        Step(opt, w, 1f);
        Assert.Equal(-2f, w.Value.ToArray()[0]);
        var saved = opt.SaveableVariables();
        // iteration counts calls (3); then learning rate, the accumulator (holding 1), the momentum.
        Assert.Equal(3, saved[0].GetInt(0));
        Assert.Equal(4, saved.Count);
        Assert.Equal(1f, saved[2].ToArray()[0]);
    }

    [Fact]
    public void LossScaleFactorDividesTheGradients()
    {
        var w = V("w", 0f);
        var opt = new SGD(1.0, lossScaleFactor: 4);
        Step(opt, w, 8f);
        Assert.Equal(-2f, w.Value.ToArray()[0]);
        Assert.Equal(12.0, opt.ScaleLoss(3.0));
    }

    private static (Sequential Model, Tensor X, Tensor Y) Mlp(Optimizer opt)
    {
        Config.SetRandomSeed(11);
        var model = new Sequential([new Dense(6, 4, "tanh"), new Dense(3, null, "softmax")]);
        model.Compile(opt, "sparse_categorical_crossentropy");
        // Built now, while the global seed is this one's, so that two calls give the same initial weights.
        model.EnsureBuilt(new Shape(32, 4));
        var rng = new SeedGenerator(4);
        var x = new float[32 * 4];
        rng.NextFloats(x);
        var y = new int[32];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = rng.NextInt(3);
        }
        return (model, Tensor.FromArray(x, 32, 4), Tensor.FromArray(y));
    }

    [Fact]
    public void TrainingScalesTheLossAndUnscalesTheGradients()
    {
        // A power-of-two scale is exact both ways, so training is bit-identical to no scaling; had the
        // loss not been scaled before differentiation, the updates would be 8 times smaller.
        var (plain, x, y) = Mlp(new Adam(0.01));
        var (scaled, _, _) = Mlp(new Adam(0.01, lossScaleFactor: 8));
        plain.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, seed: 1);
        scaled.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, seed: 1);
        for (int i = 0; i < plain.Weights.Count; i++)
        {
            Assert.Equal(plain.Weights[i].Value.ToArray(), scaled.Weights[i].Value.ToArray());
        }
        var (sgd, _, _) = Mlp(new SGD(0.5));
        var (sgdScaled, _, _) = Mlp(new SGD(0.5, lossScaleFactor: 8));
        sgd.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, seed: 1);
        sgdScaled.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, seed: 1);
        Assert.Equal(sgd.Weights[0].Value.ToArray(), sgdScaled.Weights[0].Value.ToArray());
    }

    [Fact]
    public void FitEndsWithTheMovingAverageWeights()
    {
        var (model, x, y) = Mlp(new Adam(0.05, useEma: true, emaMomentum: 0.9));
        model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
        var averages = model.Optimizer!.MovingAverages;
        for (int i = 0; i < model.TrainableWeights.Count; i++)
        {
            Assert.Equal(averages[i].ToArray(), model.TrainableWeights[i].Value.ToArray());
        }
    }

    [Fact]
    public void SavedAndReloadedOptimizerStateContinuesIdentically()
    {
        foreach (var make in new Func<Optimizer>[]
        {
            () => new Nadam(0.01, useEma: true), () => new Ftrl(0.1, l1RegularizationStrength: 0.01, gradientAccumulationSteps: 2),
            () => new AdamW(new CosineDecay(0.01, 10, warmupTarget: 0.02, warmupSteps: 2), globalClipnorm: 1),
            () => new Lion(0.001), () => new Adamax(0.01), () => new Adagrad(0.1),
        })
        {
            var (a, x, y) = Mlp(make());
            a.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
            string path = Path.Combine(Path.GetTempPath(), $"opt-state-{Guid.NewGuid():N}.keras");
            try
            {
                a.Save(path);
                var b = Model.Load(path);
                Assert.Equal(a.Optimizer!.GetConfig().ToJsonString(), b.Optimizer!.GetConfig().ToJsonString());
                // As Keras 3's, TrainOnBatch carries on the running metrics the Fit left; the reloaded model starts afresh.
                a.ResetMetrics();
                double la = a.TrainOnBatch(x, y).Loss;
                double lb = b.TrainOnBatch(x, y).Loss;
                Assert.Equal(la, lb);
                Assert.Equal(a.Weights[0].Value.ToArray(), b.Weights[0].Value.ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    public static TheoryData<string> AllOptimizers() => ["sgd", "rmsprop", "adam", "adamw", "adadelta", "adagrad", "adamax", "nadam", "lion", "ftrl"];

    private static Optimizer NonDefault(string id) => id switch
    {
        "sgd" => new SGD(0.05, momentum: 0.8, nesterov: true, clipnorm: 2, name: "my_sgd"),
        "rmsprop" => new RMSprop(0.002, rho: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true, clipvalue: 0.5),
        "adam" => new Adam(0.002, beta1: 0.8, beta2: 0.95, epsilon: 1e-6, amsgrad: true, globalClipnorm: 1.5),
        "adamw" => new AdamW(new ExponentialDecay(0.01, 4, 0.9), weightDecay: 0.01, useEma: true, emaMomentum: 0.95, emaOverwriteFrequency: 3),
        "adadelta" => new Adadelta(1.0, rho: 0.9, epsilon: 1e-6, lossScaleFactor: 128),
        "adagrad" => new Adagrad(0.1, initialAccumulatorValue: 0.2, epsilon: 1e-6, gradientAccumulationSteps: 4),
        "adamax" => new Adamax(0.02, beta1: 0.85, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1),
        "nadam" => new Nadam(new PiecewiseConstantDecay([10], [0.01, 0.001]), beta1: 0.85, beta2: 0.995),
        "lion" => new Lion(0.0003, beta1: 0.95, beta2: 0.98),
        _ => new Ftrl(0.1, learningRatePower: -0.7, initialAccumulatorValue: 0.2, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.02,
            l2ShrinkageRegularizationStrength: 0.03, beta: 0.1),
    };

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void ConfigRoundTripsThroughTheDeserializer(string id)
    {
        var defaults = Optimizer.Get(id);
        var again = KerasSerializer.Optimizer(JsonNode.Parse(KerasSerializer.Serialize(defaults).ToJsonString()));
        Assert.Equal(defaults.GetConfig().ToJsonString(), again.GetConfig().ToJsonString());
        var opt = NonDefault(id);
        var serialized = KerasSerializer.Serialize(opt);
        Assert.Equal(opt.ClassName, serialized["class_name"]!.GetValue<string>());
        var back = KerasSerializer.Optimizer(JsonNode.Parse(serialized.ToJsonString()));
        Assert.Equal(opt.GetType(), back.GetType());
        Assert.Equal(serialized.ToJsonString(), KerasSerializer.Serialize(back).ToJsonString());
        // Keras's base keys are all there, in Keras's order.
        string[] baseKeys = ["name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
            "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"];
        Assert.Equal(baseKeys, opt.GetConfig().Select(p => p.Key).Take(baseKeys.Length));
    }

    [Fact]
    public void KerasIdentifiers()
    {
        Assert.IsType<AdamW>(Optimizer.Get("adamw"));
        Assert.IsType<Adagrad>(Optimizer.Get("adagrad"));
        Assert.IsType<Adamax>(Optimizer.Get("adamax"));
        Assert.IsType<Nadam>(Optimizer.Get("nadam"));
        Assert.IsType<Lion>(Optimizer.Get("lion"));
        Assert.IsType<Ftrl>(Optimizer.Get("ftrl"));
        Assert.Equal(0.004, ((AdamW)"adamw").WeightDecay);
        Assert.Equal("SGD", new SGD().Name);
    }

    [Fact]
    public void SlotInitialValuesAreKeras()
    {
        var w = V("w", 0f, 0f);
        var adagrad = new Adagrad(0.1, initialAccumulatorValue: 0.3);
        adagrad.Build([w]);
        Assert.Equal(new[] { 0.3f, 0.3f }, adagrad.Slots[0][0].ToArray());
        var ftrl = new Ftrl(initialAccumulatorValue: 0.2);
        ftrl.Build([w]);
        Assert.Equal(new[] { 0.2f, 0.2f }, ftrl.Slots[0][0].ToArray());
        Assert.Equal(new[] { 0f, 0f }, ftrl.Slots[0][1].ToArray());
    }
}
