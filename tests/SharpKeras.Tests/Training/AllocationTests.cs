using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Training;

namespace SharpKeras.Tests.Training;

/// <summary>Allocation counts are per thread, but other tests building models at the same time change the global structure version; these run alone.</summary>
[CollectionDefinition("Allocation", DisableParallelization = true)]
public class AllocationCollection
{
}

/// <summary>After the first batch of a shape, a training step allocates nothing on the managed heap.</summary>
[Collection("Allocation")]
public class AllocationTests
{
    private static (Tensor X, Tensor Y) Data(int n, int features, int classes, int seed)
    {
        var rng = new SeedGenerator(seed);
        var x = new float[n * features];
        rng.NextFloats(x);
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.NextInt(classes);
        }
        return (Tensor.FromArray(x, n, features), Tensor.FromArray(y));
    }

    public static TheoryData<string> Models => ["seed_adam", "dropout_rmsprop", "sgd_momentum_logits", "sigmoid_tanh_mse", "embedding_lstm", "gru_dropout", "cnn_batchnorm_adadelta", "regularized_constrained_adam"];

    private static (Sequential Model, Tensor X, Tensor Y) Build(string kind)
    {
        var (model, x, y) = Create(kind);
        // Build now, while the global seed is this one's: two calls give identical initial weights.
        model.EnsureBuilt(x.Shape);
        return (model, x, y);
    }

    private static (Sequential Model, Tensor X, Tensor Y) Create(string kind)
    {
        Config.SetRandomSeed(3);
        var (x, y) = Data(512, 48, 10, 5);
        switch (kind)
        {
            case "seed_adam":
                var seed = new Sequential([new Flatten(), new Dense(32, null, "relu"), new Dense(10, null, "softmax")]);
                seed.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
                return (seed, x.Reshape(512, 6, 8), y);
            case "dropout_rmsprop":
                var mlp = new Sequential([new Dense(64, 48, "relu"), new Dropout(0.2), new Dense(64, null, "relu"), new Dropout(0.2), new Dense(10, null, "softmax")]);
                mlp.Compile(new RMSprop(), "sparse_categorical_crossentropy", ["accuracy"]);
                return (mlp, x, y);
            case "sgd_momentum_logits":
                var logits = new Sequential([new Dense(16, 48, "relu"), new Dense(10)]);
                logits.Compile(new SGD(0.01, momentum: 0.9, nesterov: true), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
                return (logits, x, y);
            case "cnn_batchnorm_adadelta":
                var cnn = new Sequential(
                [
                    new Conv2D(4, 3, padding: "same", activation: "relu"), new BatchNormalization(), new MaxPooling2D(),
                    new SpatialDropout2D(0.1), new Conv2D(6, 2, strides: 2), new LayerNormalization(), new AveragePooling2D(1),
                    new ZeroPadding2D(1), new UpSampling2D(2), new Permute([2, 1, 3]), new Dropout(0.25), new GlobalMaxPooling2D(),
                    new Reshape([2, 3]), new Flatten(), new Dense(10, null, "softmax"),
                ]);
                cnn.Compile(new Adadelta(1.0), "sparse_categorical_crossentropy", ["accuracy"]);
                return (cnn, x.Reshape(512, 6, 8, 1), y);
            case "embedding_lstm":
                // Token ids with trailing padding (id 0), so the mask from Embedding(maskZero) matters.
                var ids = new int[512 * 12];
                var rng = new SeedGenerator(9);
                for (int i = 0; i < 512; i++)
                {
                    int length = 3 + rng.NextInt(10);
                    for (int t = 0; t < length; t++)
                    {
                        ids[i * 12 + t] = 1 + rng.NextInt(49);
                    }
                }
                var text = new Sequential([new Embedding(50, 8, maskZero: true), new LSTM(16), new Dense(10, null, "softmax")]);
                text.Compile(new RMSprop(), "sparse_categorical_crossentropy", ["accuracy"]);
                return (text, Tensor.FromArray(ids, 512, 12), y);
            case "regularized_constrained_adam":
                // Weight and activity penalties in the recorded loss, and constraints after each Adam update.
                var constrained = new Sequential(
                [
                    new Dense(32, 48, "relu", kernelRegularizer: new SharpKeras.Regularizers.L2(1e-3), biasRegularizer: "l1",
                        activityRegularizer: new SharpKeras.Regularizers.L1L2(1e-4, 1e-4), kernelConstraint: new SharpKeras.Constraints.MaxNorm(2), biasConstraint: "non_neg"),
                    new Dense(10, null, "softmax", kernelRegularizer: new SharpKeras.Regularizers.OrthogonalRegularizer(0.01, "columns"),
                        kernelConstraint: new SharpKeras.Constraints.MinMaxNorm(0.1, 1.5, 0.5), biasConstraint: new SharpKeras.Constraints.UnitNorm()),
                ]);
                constrained.Compile(new Adam(), "sparse_categorical_crossentropy", ["accuracy"]);
                return (constrained, x, y);
            case "gru_dropout":
                var gru = new Sequential([new GRU(16, dropout: 0.1, recurrentDropout: 0.1, returnSequences: true), new GRU(8), new Dense(10, null, "softmax")]);
                gru.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
                return (gru, x.Reshape(512, 6, 8), y);
            default:
                var reg = new Sequential([new Dense(16, 48, "sigmoid"), new Dense(10, null, "tanh")]);
                reg.Compile(new Adam(amsgrad: true), "mse");
                return (reg, x, Ops.OneHot(y, 10));
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainingStepAllocatesNothingAfterTheFirstBatch(string kind)
    {
        var (model, x, y) = Build(kind);
        var order = Enumerable.Range(0, 512).Reverse().ToArray();
        void Step(int s, bool shuffled)
        {
            var plan = TrainStepPlan.For(model, x, y, 64);
            if (shuffled)
            {
                plan.LoadGather(x, y, order.AsSpan(s * 64, 64));
            }
            else
            {
                plan.LoadSlice(x, y, s * 64);
            }
            Assert.True(double.IsFinite(plan.Run()));
        }
        for (int s = 0; s < 3; s++)
        {
            Step(s, shuffled: s % 2 == 0);
        }
        var before = model.Weights[0].Value.ToArray();
        // The least of three runs of 10 steps: a one-off allocation made while other tests run in parallel
        // (a lazy cache, a tier-up) shows in one run, an allocation per step in every run.
        long allocated = long.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int s = 0; s < 10; s++)
            {
                Step(s % 8, shuffled: s % 2 == 0);
            }
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - start);
        }
        Assert.True(allocated == 0, $"{kind}: 10 training steps allocated {allocated} bytes in each of three runs");
        Assert.NotEqual(before, model.Weights[0].Value.ToArray());
    }

    /// <summary>A functional model with two inputs and two outputs (a classifier and a regressor), its data and held-out validation data.</summary>
    private static (Model Model, Tensor[] X, Tensor[] Y, Tensor[] ValX, Tensor[] ValY) TwoByTwo()
    {
        Config.SetRandomSeed(7);
        var (_, y) = Data(576, 48, 4, 11);
        var a = Keras.Input([40], name: "a");
        var b = Keras.Input([8], name: "b");
        var h = new Concatenate().Apply([new Dense(24, activation: "relu").Apply(a), new Dense(8, activation: "tanh").Apply(b)]);
        h = new Dropout(0.1).Apply(new LayerNormalization().Apply(h));
        var model = new Model([a, b], [new Dense(4, activation: "softmax", name: "cls").Apply(h), new Dense(2, name: "reg").Apply(h)]);
        model.Compile(new Adam(), ["sparse_categorical_crossentropy", "mse"], [1.0, 0.5], ["accuracy"]);
        var xa = GradCheck.Random(12, -1, 1, 576, 40);
        var xb = GradCheck.Random(13, -1, 1, 576, 8);
        var reg = GradCheck.Random(14, -1, 1, 576, 2);
        Tensor[] all = [xa, xb, y, reg];
        Tensor[] Rows(int start, int count, int from, int to) => [.. all[from..to].Select(t => t.Slice(start, count))];
        return (model, Rows(0, 512, 0, 2), Rows(0, 512, 2, 4), Rows(512, 64, 0, 2), Rows(512, 64, 2, 4));
    }

    [Fact]
    public void TwoInputTwoOutputStepAllocatesNothingAfterTheFirstBatch()
    {
        var (model, x, y, _, _) = TwoByTwo();
        var order = Enumerable.Range(0, 512).Reverse().ToArray();
        void Step(int s)
        {
            var plan = TrainStepPlan.For(model, x, y, 64);
            if (s % 2 == 0)
            {
                plan.LoadGather(x, y, order.AsSpan(s * 64, 64));
            }
            else
            {
                plan.LoadSlice(x, y, s * 64);
            }
            Assert.True(double.IsFinite(plan.Run()));
        }
        for (int s = 0; s < 3; s++)
        {
            Step(s);
        }
        var before = model.Weights[0].Value.ToArray();
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 10; s++)
        {
            Step(s % 8);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.True(allocated == 0, $"10 two-input, two-output training steps allocated {allocated} bytes");
        Assert.NotEqual(before, model.Weights[0].Value.ToArray());
    }

    [Fact]
    public void TwoInputTwoOutputFitWithValidationAllocatesNothingPerStep()
    {
        var (model, x, y, valX, valY) = TwoByTwo();
        var history = model.Fit(x, y, batchSize: 32, epochs: 1, verbose: 0, validationData: (valX, valY));
        Assert.Contains("val_cls_accuracy", history.HistoryData.Keys);
        long Measure(int samples)
        {
            Tensor[] xs = [.. x.Select(t => t.Slice(0, samples))];
            Tensor[] ys = [.. y.Select(t => t.Slice(0, samples))];
            long start = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(xs, ys, batchSize: 32, epochs: 1, verbose: 0, validationData: (valX, valY));
            return GC.GetAllocatedBytesForCurrentThread() - start;
        }
        Measure(64);
        Measure(384);
        // The least of three calls each: a one-off allocation made while other tests run in parallel
        // shows in one call, an allocation per step in every call.
        long twoSteps = long.MaxValue, twelveSteps = long.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            twoSteps = Math.Min(twoSteps, Measure(64));
            twelveSteps = Math.Min(twelveSteps, Measure(384));
        }
        // The shuffle order array grows with the samples (4 bytes each); the steps themselves add nothing.
        Assert.True(twelveSteps - twoSteps <= 320 * 4 + 256, $"10 more steps of Fit allocated {twelveSteps - twoSteps} bytes");
    }

    [Fact]
    public void FitAllocatesNothingPerStep()
    {
        var (model, x, y) = Build("dropout_rmsprop");
        model.Fit(x, y, batchSize: 32, epochs: 1, verbose: 0);
        long Measure(int samples)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(x.Slice(0, samples), y.Slice(0, samples), batchSize: 32, epochs: 1, verbose: 0);
            return GC.GetAllocatedBytesForCurrentThread() - start;
        }
        Measure(64);
        Measure(384);
        // The least of three calls each: a one-off allocation made while other tests run in parallel
        // shows in one call, an allocation per step in every call.
        long twoSteps = long.MaxValue, twelveSteps = long.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            twoSteps = Math.Min(twoSteps, Measure(64));
            twelveSteps = Math.Min(twelveSteps, Measure(384));
        }
        // The shuffle order array grows with the samples (4 bytes each); the steps themselves add nothing.
        Assert.True(twelveSteps - twoSteps <= 320 * 4 + 256, $"10 more steps of Fit allocated {twelveSteps - twoSteps} bytes");
    }

    [Theory]
    [InlineData("sgd_momentum_logits")]
    [InlineData("embedding_lstm")]
    [InlineData("gru_dropout")]
    public void ReplayedStepsTrainAsEagerStepsDo(string kind)
    {
        // The replayed plan must give the same weights as recording every step afresh (for the
        // recurrent models: the mask of each new batch and fresh dropout masks are followed).
        var (a, x, y) = Build(kind);
        var (b, _, _) = Build(kind);
        for (int s = 0; s < 8; s++)
        {
            var pa = TrainStepPlan.For(a, x, y, 64);
            pa.LoadSlice(x, y, s * 64);
            pa.Run();
            b.TrainPlans.Clear();
            var pb = TrainStepPlan.For(b, x, y, 64);
            pb.LoadSlice(x, y, s * 64);
            pb.Run();
        }
        for (int i = 0; i < a.Weights.Count; i++)
        {
            Assert.Equal(b.Weights[i].Value.ToArray(), a.Weights[i].Value.ToArray());
        }
    }

    [Fact]
    public void PredictReplaysOnePlanPerBatchShapeAndMatchesEagerCalls()
    {
        var (model, x, _) = Build("dropout_rmsprop");
        var expected = model.Apply(x, training: false).ToArray();
        model.Predict(x, batchSize: 64, verbose: 0);
        long start = GC.GetAllocatedBytesForCurrentThread();
        var predicted = model.Predict(x, batchSize: 64, verbose: 0);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        // The result itself (512 x 10 floats) and little else: no per-batch layer outputs.
        Assert.True(allocated < 512 * 10 * 4 + 4096, $"Predict allocated {allocated} bytes");
        var actual = predicted.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void ProfileAttributesTheStepToLayersLossAndOptimizer()
    {
        var (model, x, y) = Build("dropout_rmsprop");
        var before = model.Weights[0].Value.ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var profile = model.ProfileTrainStep(x, y, batchSize: 64, steps: 3);
        double wall = clock.Elapsed.TotalSeconds;
        Assert.Equal(["dense", "dropout", "dense_1", "dropout_1", "dense_2", "loss", "optimizer"], profile.Select(p => p.Layer).ToArray());
        // Every layer runs ops both ways (dropout's mask multiply too); the optimizer only updates, after the backward pass.
        Assert.All(profile.Where(p => p.Layer.StartsWith("d", StringComparison.Ordinal)),
            p => Assert.True(p.ForwardSeconds > 0 && p.BackwardSeconds > 0, $"{p.Layer}: forward {p.ForwardSeconds} s, backward {p.BackwardSeconds} s"));
        Assert.True(profile.Single(p => p.Layer == "loss").ForwardSeconds > 0);
        Assert.Equal(0, profile.Single(p => p.Layer == "optimizer").ForwardSeconds);
        Assert.True(profile.Single(p => p.Layer == "optimizer").BackwardSeconds > 0);
        // The times are per step and part of the call: 3 timed steps cannot add up to more than the whole call.
        double perStep = profile.Sum(p => p.ForwardSeconds + p.BackwardSeconds);
        Assert.True(perStep * 3 <= wall, $"profiled {perStep} s per step, but 3 steps (and a recorded one) took {wall} s in all");
        // Profiling trains, as the steps it times are real steps.
        Assert.NotEqual(before, model.Weights[0].Value.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ProfileTrainStep(x, y, batchSize: 64, steps: 0));
    }

    [Fact]
    public void ProfileCountsWrappedLayersAsTheirWrapper()
    {
        // The wrapped LSTMs are named "lstm" too (models name only their own layers), so their time
        // must go to the wrapper's row, not merge into the model's own "lstm".
        Config.SetRandomSeed(4);
        var model = new Sequential();
        model.Add(Keras.Input([5, 4, 3]));
        model.Add(new TimeDistributed(new LSTM(6)));
        model.Add(new Bidirectional(new LSTM(5, returnSequences: true)));
        model.Add(new LSTM(4));
        model.Add(new Dense(2, activation: "softmax"));
        model.Compile("rmsprop", "sparse_categorical_crossentropy");
        var x = GradCheck.Random(1, -1, 1, 16, 5, 4, 3);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 2)).ToArray(), 16);
        var profile = model.ProfileTrainStep(x, y, batchSize: 8, steps: 2);
        Assert.Equal(["time_distributed", "bidirectional", "lstm", "dense", "loss", "optimizer"], profile.Select(p => p.Layer).ToArray());
        Assert.True(profile.Single(p => p.Layer == "time_distributed").BackwardSeconds > 0);
        Assert.True(profile.Single(p => p.Layer == "bidirectional").BackwardSeconds > 0);
    }

    [Fact]
    public void ALayerComputingOutsideTheOpsIsRecordedAfreshEveryStep()
    {
        // A custom activation written with plain arrays is invisible to the tape; replaying the
        // step would reuse its first output, so the trainer records such steps every time.
        Config.SetRandomSeed(4);
        var (x, y) = Data(256, 48, 10, 6);
        ActivationFunction halve = new("halve", t => Tensor.FromArray(t.ToArray().Select(v => v / 2).ToArray(), t.Shape.ToArray()));
        var model = new Sequential([new Dense(16, 48, "relu"), new Activation(halve), new Dense(10, null, "softmax")]);
        model.Compile("sgd", "sparse_categorical_crossentropy");
        model.EnsureBuilt(x.Shape);
        var first = model.Predict(x.Slice(0, 64), batchSize: 64, verbose: 0).ToArray();
        var second = model.Predict(x.Slice(64, 64), batchSize: 64, verbose: 0).ToArray();
        var eager = model.Apply(x.Slice(64, 64)).ToArray();
        Assert.NotEqual(first, second);
        Assert.Equal(eager, second);
        var history = model.Fit(x, y, batchSize: 64, epochs: 2, verbose: 0);
        Assert.True(history["loss"][1] < history["loss"][0]);
    }

    [Fact]
    public void BuildingAnotherModelKeepsThePlanButFreezingALayerRemakesIt()
    {
        var (model, x, y) = Build("dropout_rmsprop");
        var plan = TrainStepPlan.For(model, x, y, 64);
        plan.LoadSlice(x, y, 0);
        plan.Run();
        Build("seed_adam");
        Assert.Same(plan, TrainStepPlan.For(model, x, y, 64));
        model.Layers[0].Trainable = false;
        Assert.NotSame(plan, TrainStepPlan.For(model, x, y, 64));
    }

    [Fact]
    public void PredictAfterFitSeesTheNewWeightsEvenWhereALayerSlicesThem()
    {
        // GRU(resetAfter: false) slices its recurrent kernel with an op on every call; the recorded
        // inference pass must recompute that slice, not replay the one from before training.
        Config.SetRandomSeed(8);
        var rng = new SeedGenerator(9);
        var xs = new float[64 * 5 * 3];
        rng.NextFloats(xs);
        var x = Tensor.FromArray(xs, 64, 5, 3);
        var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => i % 2).ToArray());
        var model = new Sequential([new GRU(4, resetAfter: false), new Dense(2, null, "softmax")]);
        model.Compile(new SGD(0.5), "sparse_categorical_crossentropy");
        model.Predict(x, batchSize: 32, verbose: 0);
        model.Fit(x, y, batchSize: 32, epochs: 2, verbose: 0);
        var replayed = model.Predict(x, batchSize: 32, verbose: 0).ToArray();
        var eager = model.Apply(x).ToArray();
        for (int i = 0; i < eager.Length; i++)
        {
            Assert.Equal(eager[i], replayed[i], 6);
        }
    }
}
