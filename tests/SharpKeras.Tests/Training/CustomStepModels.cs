using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Tests.Training;

/// <summary>Subclassed models with custom TrainSteps, written as the keras-io guides read, for the recorded-step tests.</summary>
internal static class CustomStepModels
{
    /// <summary>keras-io's VAE Sampling layer: z = mean + exp(log_var / 2) * epsilon, epsilon drawn unseeded every call.</summary>
    private sealed class Sampling : Layer
    {
        protected override void Build(IReadOnlyList<Shape> inputShapes)
        {
        }

        protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
        {
            var (zMean, zLogVar) = (inputs[0], inputs[1]);
            var epsilon = Keras.Random.Normal([zMean.Shape[0], zMean.Shape[1]]);
            return zMean + Ops.Exp(0.5 * zLogVar) * epsilon;
        }

        protected override Tensor Call(Tensor inputs, bool training) => throw new NotSupportedException("Sampling takes [z_mean, z_log_var].");

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

        public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes) => inputShapes[0];
    }

    /// <summary>The VAE of keras-io: encoder and decoder sub-models in fields, Mean trackers updated with the loss tensors.</summary>
    internal sealed class Vae : Model
    {
        private readonly Model _encoder;
        private readonly Model _decoder;
        private readonly Mean _totalLossTracker = new("total_loss");
        private readonly Mean _reconstructionLossTracker = new("reconstruction_loss");
        private readonly Mean _klLossTracker = new("kl_loss");

        public Vae(Model encoder, Model decoder) : base("vae")
        {
            _encoder = Track(encoder);
            _decoder = Track(decoder);
        }

        public override IReadOnlyList<Metric> Metrics => [_totalLossTracker, _reconstructionLossTracker, _klLossTracker];

        protected override Tensor Call(Tensor inputs, bool training) => _decoder.Apply(_encoder.CallOutputs([inputs], training)[2], training);

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
                reconstructionLoss = Ops.Mean(LossFunctions.BinaryCrossentropy(x, reconstruction)) * 16.0;
                var kl = -0.5 * (1 + zLogVar - Ops.Square(zMean) - Ops.Exp(zLogVar));
                klLoss = Ops.Mean(Ops.Sum(kl, axis: 1));
                totalLoss = reconstructionLoss + klLoss;
                grads = tape.Gradient(totalLoss, TrainableWeights);
            }
            Optimizer!.ApplyGradients(grads.Zip(TrainableWeights));
            _totalLossTracker.UpdateState(totalLoss);
            _reconstructionLossTracker.UpdateState(reconstructionLoss);
            _klLossTracker.UpdateState(klLoss);
            return new Dictionary<string, double>
            {
                ["loss"] = _totalLossTracker.Result(),
                ["reconstruction_loss"] = _reconstructionLossTracker.Result(),
                ["kl_loss"] = _klLossTracker.Result(),
            };
        }
    }

    /// <summary>A VAE on 16 features with a 2-d latent space, built while the global seed is <paramref name="seed"/>.</summary>
    public static Vae BuildVae(int seed, bool runEagerly)
    {
        Config.SetRandomSeed(seed);
        var inputs = Keras.Input([16]);
        var h = new Dense(8, activation: "relu").Apply(inputs);
        var zMean = new Dense(2, name: "z_mean").Apply(h);
        var zLogVar = new Dense(2, name: "z_log_var").Apply(h);
        var z = new Sampling().Apply([zMean, zLogVar]);
        var encoder = new Model(inputs, [zMean, zLogVar, z], name: "encoder");
        var latent = Keras.Input([2]);
        var d = new Dense(8, activation: "relu").Apply(latent);
        var decoder = new Model(latent, new Dense(16, activation: "sigmoid").Apply(d), name: "decoder");
        var vae = new Vae(encoder, decoder);
        vae.Compile(new SharpKeras.Optimizers.Adam(0.01), runEagerly: runEagerly);
        return vae;
    }

    /// <summary>
    /// A regression model whose step branches on a value read on the host: batches whose targets average above 0.5
    /// take a doubled loss. A replay of the first batch's branch would train differently from the eager step.
    /// </summary>
    internal sealed class BranchingModel(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        private readonly Mean _lossTracker = new("loss");

        public override IReadOnlyList<Metric> Metrics => [_lossTracker];

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var (x, y) = data;
            Tensor loss;
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                var yPred = Apply(x, training: true);
                loss = Ops.Mean(Ops.Square(y! - yPred));
                if (Ops.Mean(y!).Item() > 0.5f)
                {
                    loss = loss * 2.0;
                }
                grads = tape.Gradient(loss, TrainableWeights);
            }
            Optimizer!.ApplyGradients(grads, TrainableWeights);
            _lossTracker.UpdateState(loss);
            return new Dictionary<string, double> { ["loss"] = _lossTracker.Result() };
        }
    }

    /// <summary>A step that trains on the first half of each batch, taken with Slice (a view, not an op) of the batch it was given.</summary>
    internal sealed class SlicingModel(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        private readonly Mean _lossTracker = new("loss");

        public override IReadOnlyList<Metric> Metrics => [_lossTracker];

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var (x, y) = data;
            int half = x.Shape[0] / 2;
            var (xHalf, yHalf) = (x.Slice(0, half), y!.Slice(0, half));
            Tensor loss;
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                loss = Ops.Mean(Ops.Square(yHalf - Apply(xHalf, training: true)));
                grads = tape.Gradient(loss, TrainableWeights);
            }
            Optimizer!.ApplyGradients(grads, TrainableWeights);
            _lossTracker.UpdateState(loss);
            return new Dictionary<string, double> { ["loss"] = _lossTracker.Result() };
        }
    }

    /// <summary>keras-io's custom train_step guide: MSE by hand, a Mean tracker and a MeanAbsoluteError metric updated with (y, y_pred).</summary>
    internal sealed class MaeModel(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        private readonly Mean _lossTracker = new("loss");
        private readonly SharpKeras.Metrics.MeanAbsoluteError _maeMetric = new("mae");

        public override IReadOnlyList<Metric> Metrics => [_lossTracker, _maeMetric];

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var (x, y) = data;
            Tensor loss, yPred;
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                yPred = Apply(x, training: true);
                loss = Ops.Mean(Ops.Square(y! - yPred));
                grads = tape.Gradient(loss, TrainableWeights);
            }
            Optimizer!.ApplyGradients(grads, TrainableWeights);
            _lossTracker.UpdateState(loss);
            _maeMetric.UpdateState(y!, yPred);
            return new Dictionary<string, double> { ["loss"] = _lossTracker.Result(), ["mae"] = _maeMetric.Result() };
        }
    }

    /// <summary>A one-hidden-layer regressor on 8 features, a <paramref name="kind"/> ("branching", "slicing" or "mae") model, built under <paramref name="seed"/>.</summary>
    public static Model BuildRegressor(string kind, int seed, bool runEagerly)
    {
        Config.SetRandomSeed(seed);
        var inputs = Keras.Input([8]);
        var outputs = new Dense(1).Apply(new Dense(4, activation: "tanh").Apply(inputs));
        Model model = kind switch
        {
            "branching" => new BranchingModel(inputs, outputs),
            "slicing" => new SlicingModel(inputs, outputs),
            _ => new MaeModel(inputs, outputs),
        };
        model.Compile(new SharpKeras.Optimizers.SGD(0.05), runEagerly: runEagerly);
        return model;
    }

    /// <summary>Uniform data in [0, 1): <paramref name="n"/> rows of <paramref name="features"/>.</summary>
    public static Tensor Uniform(int n, int features, int seed)
    {
        var data = new float[n * features];
        new SeedGenerator(seed).NextFloats(data);
        return Tensor.FromArray(data, n, features);
    }

    /// <summary>Keeps every batch's logs of a Fit.</summary>
    internal sealed class BatchLogs : Callback
    {
        public List<Dictionary<string, double>> Logs { get; } = [];

        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => Logs.Add(new Dictionary<string, double>(logs));
    }
}
