using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Tests.Models;

/// <summary>Keras 3's custom training: TrainStep/TestStep/PredictStep/ComputeLoss overrides, AddLoss, explicit tracking, the tape and ApplyGradients.</summary>
public class CustomTrainingTests
{
    /// <summary>keras-io's VAE Sampling layer: z = mean + exp(log_var / 2) * epsilon.</summary>
    private sealed class Sampling : Layer
    {
        protected override void Build(IReadOnlyList<Shape> inputShapes)
        {
        }

        protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
        {
            var (zMean, zLogVar) = (inputs[0], inputs[1]);
            var epsilon = Keras.Random.Normal(zMean.Shape.ToArray());
            return zMean + Ops.Exp(zLogVar * 0.5) * epsilon;
        }

        protected override Tensor Call(Tensor inputs, bool training) => throw new NotSupportedException("Sampling takes [z_mean, z_log_var].");

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

        public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes) => inputShapes[0];
    }

    /// <summary>keras-io's VAE: encoder and decoder sub-models in fields, loss trackers, a custom TrainStep (reconstruction + KL).</summary>
    private sealed class Vae : Model
    {
        private readonly Model _encoder;
        private readonly Model _decoder;
        private readonly Mean _totalLossTracker = new("total_loss");
        private readonly Mean _reconstructionLossTracker = new("reconstruction_loss");
        private readonly Mean _klLossTracker = new("kl_loss");

        /// <param name="track">False makes the test double with tracking broken: the sub-models are kept in fields but never tracked.</param>
        public Vae(Model encoder, Model decoder, bool track = true) : base("vae")
        {
            _encoder = track ? Track(encoder) : encoder;
            _decoder = track ? Track(decoder) : decoder;
        }

        public override IReadOnlyList<Metric> Metrics => [_totalLossTracker, _reconstructionLossTracker, _klLossTracker];

        protected override Tensor Call(Tensor inputs, bool training) =>
            _decoder.Apply(_encoder.CallOutputs([inputs], training)[2], training);

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var x = data.X;
            Tensor totalLoss, reconstructionLoss, klLoss;
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                var z = _encoder.CallOutputs([x], training: true);
                var (zMean, zLogVar) = (z[0], z[1]);
                var reconstruction = _decoder.Apply(z[2], training: true);
                reconstructionLoss = Ops.Mean(new SharpKeras.Losses.BinaryCrossentropy().Call(x, reconstruction)) * 8.0;
                var kl = (1.0 + zLogVar - Ops.Square(zMean) - Ops.Exp(zLogVar)) * -0.5;
                klLoss = Ops.Mean(Ops.Sum(kl, axis: 1));
                totalLoss = reconstructionLoss + klLoss;
                grads = tape.Gradient(totalLoss, TrainableWeights);
            }
            Optimizer!.ApplyGradients(grads.Zip(TrainableWeights, (g, v) => (g, v)));
            _totalLossTracker.Update(totalLoss.Item());
            _reconstructionLossTracker.Update(reconstructionLoss.Item());
            _klLossTracker.Update(klLoss.Item());
            return new Dictionary<string, double>
            {
                ["loss"] = _totalLossTracker.Result(),
                ["reconstruction_loss"] = _reconstructionLossTracker.Result(),
                ["kl_loss"] = _klLossTracker.Result(),
            };
        }
    }

    private static (Model Encoder, Model Decoder) EncoderDecoder()
    {
        var input = Keras.Input([8], name: "encoder_input");
        var h = new Dense(16, activation: "relu").Apply(input);
        var zMean = new Dense(2, name: "z_mean").Apply(h);
        var zLogVar = new Dense(2, name: "z_log_var").Apply(h);
        var z = new Sampling().Apply([zMean, zLogVar]);
        var encoder = new Model([input], [zMean, zLogVar, z], name: "encoder");
        var latent = Keras.Input([2], name: "z_sampling");
        var d = new Dense(16, activation: "relu").Apply(latent);
        var decoder = new Model(latent, new Dense(8, activation: "sigmoid").Apply(d), name: "decoder");
        return (encoder, decoder);
    }

    /// <summary>Two binary patterns with some bits flipped: data a 2-d latent space can explain.</summary>
    private static Tensor Patterns(int n)
    {
        var rng = new Random(5);
        var data = new float[n * 8];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                bool on = i % 2 == 0 ? j < 4 : j >= 4;
                data[i * 8 + j] = (on ^ rng.NextDouble() < 0.1) ? 0.95f : 0.05f;
            }
        }
        return Tensor.FromArray(data, n, 8);
    }

    [Fact]
    public void VaeWithSubModelsInFieldsTrainsFromFitOfXAlone()
    {
        Config.SetRandomSeed(11);
        var (encoder, decoder) = EncoderDecoder();
        var vae = new Vae(encoder, decoder);
        vae.Compile(new SharpKeras.Optimizers.Adam(learningRate: 0.01));
        Assert.Equal(encoder.TrainableWeights.Count + decoder.TrainableWeights.Count, vae.TrainableWeights.Count);
        Assert.Equal(["encoder", "decoder"], vae.Layers.Select(l => l.Name).ToArray());
        var before = decoder.GetWeights()[0].ToArray();
        var history = vae.Fit(Patterns(256), epochs: 40, batchSize: 32, verbose: 0);
        Assert.Equal(["loss", "reconstruction_loss", "kl_loss"], history.HistoryData.Keys.ToArray());
        var loss = history["loss"];
        Assert.Equal(40, loss.Count);
        Assert.True(loss[^1] < 0.8 * loss[0], $"VAE loss went from {loss[0]} to {loss[^1]}: {string.Join(", ", loss.Select(l => l.ToString("F3")))}");
        Assert.NotEqual(before, decoder.GetWeights()[0].ToArray());
        // The trackers are reset at the start of each epoch, as Keras's reset_metrics: each epoch's value is that epoch's mean.
        Assert.True(history["reconstruction_loss"][^1] < history["reconstruction_loss"][0]);
        var summary = new System.Text.StringBuilder();
        vae.Summary(s => summary.Append(s));
        Assert.Contains("encoder", summary.ToString());
        Assert.Contains("decoder", summary.ToString());
    }

    [Fact]
    public void VaeWithTrackingBrokenFailsNamingTheUntrackedLayer()
    {
        var (encoder, decoder) = EncoderDecoder();
        var vae = new Vae(encoder, decoder, track: false);
        vae.Compile("adam");
        Assert.Empty(vae.TrainableWeights);
        var e = Assert.Throws<InvalidOperationException>(() => vae.Fit(Patterns(64), epochs: 2, batchSize: 32, verbose: 0));
        Assert.Contains("'encoder'", e.Message);
        Assert.Contains("does not track it", e.Message);
        Assert.Contains("Track(", e.Message);
    }

    /// <summary>A model that adds an activity penalty on its hidden layer from Call (Keras's add_loss).</summary>
    private sealed class Penalized : Model
    {
        private readonly Dense _hidden = new(6, activation: "tanh");
        private readonly Dense _out = new(1);

        public Penalized(double rate) : base("penalized")
        {
            Rate = rate;
            Track(_hidden);
            Track(_out);
        }

        public double Rate { get; }

        protected override Tensor Call(Tensor inputs, bool training)
        {
            var h = _hidden.Apply(inputs, training);
            AddLoss(Ops.Mean(Ops.Square(h)) * Rate);
            return _out.Apply(h, training);
        }
    }

    private static (Tensor X, Tensor Y) Regression(int n)
    {
        var x = GradCheck.Random(21, -1, 1, n, 3);
        var xs = x.ToArray();
        var y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => xs[i * 3] - 0.5f * xs[i * 3 + 1]).ToArray(), n, 1);
        return (x, y);
    }

    [Fact]
    public void AddLossInCallJoinsTheCompiledLossAndIsClearedOnEachCall()
    {
        Config.SetRandomSeed(3);
        var (x, y) = Regression(48);
        var model = new Penalized(0.5);
        model.Compile("sgd", "mse");
        var output = model.Apply(x);
        Assert.Single(model.Losses);
        model.Apply(x);
        Assert.Single(model.Losses);
        double penalty = model.Losses[0].Item();
        var pred = output.ToArray();
        double mse = pred.Select((p, i) => Math.Pow(p - y.ToArray()[i], 2)).Average();
        var score = model.Evaluate(x, y, batchSize: 48, verbose: 0);
        Assert.Equal(mse + penalty, score.Loss, 4);
        // Fit replays the recorded step: the penalty's value on every replay is recomputed, so the logged loss tracks Evaluate's.
        var history = model.Fit(x, y, batchSize: 16, epochs: 20, verbose: 0, shuffle: false);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        var after = model.Evaluate(x, y, batchSize: 48, verbose: 0).Loss;
        model.Apply(x);
        double mseAfter = model.Apply(x).ToArray().Select((p, i) => Math.Pow(p - y.ToArray()[i], 2)).Average();
        Assert.Equal(mseAfter + model.Losses[0].Item(), after, 4);
    }

    [Fact]
    public void FitWithoutTargetsTrainsOnTheModelsOwnLoss()
    {
        Config.SetRandomSeed(4);
        var (x, _) = Regression(64);
        var model = new Penalized(1.0);
        model.Compile(new SharpKeras.Optimizers.Adam(learningRate: 0.05));
        var history = model.Fit(x, epochs: 10, batchSize: 16, verbose: 0);
        Assert.Equal(["loss"], history.HistoryData.Keys.ToArray());
        Assert.True(history["loss"][^1] < 0.7 * history["loss"][0], $"{history["loss"][0]} -> {history["loss"][^1]}");
    }

    [Fact]
    public void CompiledLossWithoutTargetsOrNoLossAtAllIsAClearError()
    {
        var (x, _) = Regression(16);
        var withLoss = new Sequential([Keras.Input([3]), new Dense(1)]);
        withLoss.Compile("sgd", "mse");
        var e = Assert.Throws<InvalidOperationException>(() => withLoss.Fit(x, verbose: 0));
        Assert.Contains("needs targets", e.Message);
        var noLoss = new Sequential([Keras.Input([3]), new Dense(1)]);
        noLoss.Compile("sgd");
        var e2 = Assert.Throws<InvalidOperationException>(() => noLoss.Fit(x, verbose: 0));
        Assert.Contains("No loss to compute", e2.Message);
    }

    /// <summary>A model whose ComputeLoss doubles the compiled loss: the built-in step records and replays it.</summary>
    private sealed class DoubledLoss : Model
    {
        private readonly Dense _dense = new(1);

        public DoubledLoss() : base("doubled")
        {
            Track(_dense);
        }

        protected override Tensor Call(Tensor inputs, bool training) => _dense.Apply(inputs, training);

        public override Tensor ComputeLoss(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, IReadOnlyList<Tensor> yPred, Tensor? sampleWeight = null, bool training = true) =>
            base.ComputeLoss(x, y, yPred, sampleWeight, training) * 2.0;

        public override IReadOnlyList<Tensor> PredictStep(StepData data) => [.. base.PredictStep(data).Select(t => t * 10.0)];
    }

    [Fact]
    public void ComputeLossAndPredictStepOverridesAreUsedByFitEvaluateAndPredict()
    {
        Config.SetRandomSeed(5);
        var (x, y) = Regression(40);
        var model = new DoubledLoss();
        model.Compile("sgd", "mse");
        var plain = model.Apply(x).ToArray();
        double mse = plain.Select((p, i) => Math.Pow(p - y.ToArray()[i], 2)).Average();
        Assert.Equal(2 * mse, model.Evaluate(x, y, batchSize: 40, verbose: 0).Loss, 4);
        var predicted = model.Predict(x, batchSize: 16, verbose: 0).ToArray();
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(10 * plain[i], predicted[i], 4);
        }
        var history = model.Fit(x, y, batchSize: 8, epochs: 5, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
    }

    /// <summary>A model with its own TestStep, as Keras's test_step override.</summary>
    private sealed class CountingTest : Model
    {
        private readonly Dense _dense = new(1);

        public CountingTest() : base("counting")
        {
            Track(_dense);
        }

        public int Batches { get; private set; }

        protected override Tensor Call(Tensor inputs, bool training) => _dense.Apply(inputs, training);

        public override IReadOnlyDictionary<string, double> TestStep(StepData data)
        {
            Batches++;
            var (x, y) = data;
            var error = Ops.Mean(Ops.Square(Apply(x) - y!));
            return new Dictionary<string, double> { ["mse_by_hand"] = error.Item(), ["rows"] = data.BatchSize };
        }
    }

    [Fact]
    public void TestStepOverrideDrivesEvaluateAndValidation()
    {
        var (x, y) = Regression(30);
        var model = new CountingTest();
        model.Compile("sgd", "mse");
        var score = model.Evaluate(x, y, batchSize: 8, verbose: 0);
        Assert.Equal(4, model.Batches);
        Assert.Equal(6, score["rows"]);
        var history = model.Fit(x, y, batchSize: 10, epochs: 2, verbose: 0, validationData: (x, y));
        Assert.Contains("val_mse_by_hand", history.HistoryData.Keys);
    }

    [Fact]
    public void TapeWatchesTrainableVariablesAndApplyGradientsCompletesAHandWrittenLoop()
    {
        Config.SetRandomSeed(6);
        var (x, y) = Regression(32);
        var model = new Sequential([Keras.Input([3]), new Dense(1)]);
        var optimizer = new SharpKeras.Optimizers.SGD(learningRate: 0.1);
        var losses = new List<double>();
        for (int step = 0; step < 30; step++)
        {
            using var tape = new GradientTape();
            var loss = Ops.Mean(Ops.Square(model.Apply(x, training: true) - y));
            var grads = tape.Gradient(loss, model.TrainableWeights);
            Assert.All(grads, g => Assert.NotNull(g));
            optimizer.ApplyGradients(grads, model.TrainableWeights);
            losses.Add(loss.Item());
        }
        Assert.True(losses[^1] < 0.2 * losses[0], $"{losses[0]} -> {losses[^1]}");
        Assert.Equal(30, optimizer.Iterations);
        // Without watching accessed variables the tape records nothing it was not told to watch.
        using var quiet = new GradientTape(watchAccessedVariables: false);
        var l2 = Ops.Mean(Ops.Square(model.Apply(x) - y));
        Assert.All(quiet.Gradient(l2, model.TrainableWeights), g => Assert.Null(g));
    }

    [Fact]
    public void ApplyGradientsPairsMatchTheTwoListForm()
    {
        var a = new Variable("a", Tensor.FromArray([1f, 2f], 2));
        var b = new Variable("b", Tensor.FromArray([1f, 2f], 2));
        var g = Tensor.FromArray([0.5f, -1f], 2);
        var byLists = new SharpKeras.Optimizers.SGD(learningRate: 0.1);
        byLists.ApplyGradients([g], [a]);
        var byPairs = new SharpKeras.Optimizers.SGD(learningRate: 0.1);
        byPairs.ApplyGradients([(g, b)]);
        Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
        Assert.Equal(0.95f, b.Value.ToArray()[0], 6);
    }

    [Fact]
    public void TrackedSubModelsAreSavedAndLoadedWithTheirWeights()
    {
        Config.SetRandomSeed(8);
        var (encoder, decoder) = EncoderDecoder();
        var vae = new Vae(encoder, decoder);
        var path = Path.Combine(Path.GetTempPath(), $"vae-{Guid.NewGuid():N}.weights.h5");
        try
        {
            vae.SaveWeights(path);
            var (encoder2, decoder2) = EncoderDecoder();
            var again = new Vae(encoder2, decoder2);
            Assert.NotEqual(vae.GetWeights()[0].ToArray(), again.GetWeights()[0].ToArray());
            again.LoadWeights(path);
            Assert.Equal(vae.Weights.Count, again.Weights.Count);
            for (int i = 0; i < vae.Weights.Count; i++)
            {
                Assert.Equal(vae.GetWeights()[i].ToArray(), again.GetWeights()[i].ToArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrackedListAndMetricsAreReportedAndReset()
    {
        var model = new Stack();
        Assert.Equal(3, model.Layers.Count);
        model.Build2();
        Assert.Equal(6, model.TrainableWeights.Count);
        Assert.Single(model.Metrics);
        model.Metrics[0].UpdateState(Tensor.Zeros(new Shape(1)), Tensor.Ones(new Shape(1)));
        model.ResetMetrics();
        Assert.Equal(0, model.Metrics[0].Result());
    }

    private sealed class Stack : Model
    {
        private readonly IReadOnlyList<Dense> _layers;

        public Stack() : base("stack")
        {
            _layers = Track(new[] { new Dense(4), new Dense(4), new Dense(1) });
            TrackMetric(new Mean("tracked"));
        }

        public void Build2() => Apply(Tensor.Zeros(new Shape(2, 3)));

        protected override Tensor Call(Tensor inputs, bool training) =>
            _layers.Aggregate(inputs, (h, l) => l.Apply(h, training));
    }
}
