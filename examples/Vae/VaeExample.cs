// keras-io "Variational AutoEncoder" (examples/generative/vae.py): a Sampling layer, a convolutional encoder
// returning [z_mean, z_log_var, z], a Conv2DTranspose decoder, and a VAE Model subclass keeping both sub-models in
// fields with loss trackers and a custom train_step (reconstruction + KL), trained by fit(x) with no targets.
// MNIST digits from the Keras cache or --data when present (never downloaded here), else generated digits.
using System.Globalization;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>The VAE example as a function the example program and the smoke test both run.</summary>
internal static class VaeExample
{
    /// <summary>Uses (z_mean, z_log_var) to sample z, the vector encoding a digit.</summary>
    private sealed class Sampling : Layer
    {
        protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
        {
            var (zMean, zLogVar) = (inputs[0], inputs[1]);
            int batch = zMean.Shape[0];
            int dim = zMean.Shape[1];
            var epsilon = Keras.Random.Normal([batch, dim]);
            return zMean + Ops.Exp(0.5 * zLogVar) * epsilon;
        }

        // Keras infers these from call(); a SharpKeras layer taking a list declares them (see examples/README.md).
        protected override void Build(IReadOnlyList<Shape> inputShapes)
        {
        }

        protected override Tensor Call(Tensor inputs, bool training) => throw new NotSupportedException("Sampling takes [z_mean, z_log_var].");

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

        public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes) => inputShapes[0];
    }

    /// <summary>The VAE as a Model with a custom train_step.</summary>
    private sealed class VAE : Model
    {
        private readonly Model _encoder;
        private readonly Model _decoder;
        private readonly Mean _totalLossTracker = new(name: "total_loss");
        private readonly Mean _reconstructionLossTracker = new(name: "reconstruction_loss");
        private readonly Mean _klLossTracker = new(name: "kl_loss");

        public VAE(Model encoder, Model decoder)
        {
            // Python's `self.encoder = encoder` tracks by assignment; C# says so with Track.
            _encoder = Track(encoder);
            _decoder = Track(decoder);
        }

        public Model Encoder => _encoder;

        public Model Decoder => _decoder;

        public override IReadOnlyList<Metric> Metrics => [_totalLossTracker, _reconstructionLossTracker, _klLossTracker];

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var x = data.X;
            Tensor totalLoss, reconstructionLoss, klLoss;
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                var (zMean, zLogVar, z) = Three(_encoder.CallOutputs([x], training: true));
                var reconstruction = _decoder.Apply(z, training: true);
                // binary_crossentropy averages the channel axis, then reduce_sum over axes (1, 2).
                reconstructionLoss = Ops.Mean(Ops.Sum(LossFunctions.BinaryCrossentropy(x, reconstruction), axis: [1, 2]));
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

        protected override Tensor Call(Tensor x, bool training)
        {
            var (_, _, z) = Three(_encoder.CallOutputs([x], training));
            return _decoder.Apply(z, training);
        }

        private static (Tensor, Tensor, Tensor) Three(Tensor[] t) => (t[0], t[1], t[2]);
    }

    /// <summary>Builds the encoder and decoder, fits the VAE on <paramref name="samples"/> digits; returns the per-epoch losses and the RESULT line.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath)
    {
        // Build the encoder
        int latentDim = 2;

        var encoderInputs = Keras.Input([28, 28, 1]);
        var x = new Conv2D(32, 3, activation: "relu", strides: 2, padding: "same").Apply(encoderInputs);
        x = new Conv2D(64, 3, activation: "relu", strides: 2, padding: "same").Apply(x);
        x = new Flatten().Apply(x);
        x = new Dense(16, activation: "relu").Apply(x);
        var zMean = new Dense(latentDim, name: "z_mean").Apply(x);
        var zLogVar = new Dense(latentDim, name: "z_log_var").Apply(x);
        var z = new Sampling().Apply([zMean, zLogVar]);
        var encoder = new Model(encoderInputs, [zMean, zLogVar, z], name: "encoder");
        if (verbose > 0)
        {
            encoder.Summary();
        }

        // Build the decoder
        var latentInputs = Keras.Input([latentDim]);
        x = new Dense(7 * 7 * 64, activation: "relu").Apply(latentInputs);
        x = new Reshape([7, 7, 64]).Apply(x);
        x = new Conv2DTranspose(64, 3, activation: "relu", strides: 2, padding: "same").Apply(x);
        x = new Conv2DTranspose(32, 3, activation: "relu", strides: 2, padding: "same").Apply(x);
        var decoderOutputs = new Conv2DTranspose(1, 3, activation: "sigmoid", padding: "same").Apply(x);
        var decoder = new Model(latentInputs, decoderOutputs, name: "decoder");
        if (verbose > 0)
        {
            decoder.Summary();
        }

        // Train the VAE
        var (mnistDigits, source) = LoadDigits(samples, dataPath);
        mnistDigits = mnistDigits.Reshape(-1, 28, 28, 1).Cast(DType.Float32) / 255;

        var vae = new VAE(encoder, decoder);
        vae.Compile(optimizer: new Optimizers.Adam());
        var history = vae.Fit(mnistDigits, epochs: epochs, batchSize: batchSize, verbose: verbose);

        // The latent means of the first digits (plot_label_clusters' encoder.predict) and one decoded grid point.
        var zMeans = vae.Encoder.PredictOutputs([mnistDigits.Slice(0, Math.Min(8, mnistDigits.Shape[0]))], verbose: 0)[0];
        var decoded = vae.Decoder.Predict(Tensor.FromArray(new float[] { 0.5f, -0.5f }, 1, 2), verbose: 0);
        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} reconstruction_loss={history["reconstruction_loss"][^1]:F4} kl_loss={history["kl_loss"][^1]:F4} latent_shape={zMeans.Shape} decoded_shape={decoded.Shape} samples={mnistDigits.Shape[0]} data={(source.StartsWith("real", StringComparison.Ordinal) ? "mnist" : "generated")}");
        return (history["loss"], result);
    }

    /// <summary>np.concatenate([x_train, x_test]) of keras.datasets.mnist cut to <paramref name="samples"/>, or generated digits.</summary>
    private static (Tensor Digits, string Source) LoadDigits(int samples, string? dataPath)
    {
        try
        {
            var ((xTrain, _), (xTest, _)) = Mnist.LoadData(dataPath, download: false);
            var all = Ops.Concatenate([xTrain.Cast(DType.Float32), xTest.Cast(DType.Float32)], axis: 0);
            return (all.Slice(0, Math.Min(samples, all.Shape[0])), "real MNIST");
        }
        catch (FileNotFoundException)
        {
            // Ten blurred stroke templates with noise, values in [0, 255] as load_data gives.
            var rng = new Random(3);
            var templates = new float[10 * 784];
            for (int c = 0; c < 10; c++)
            {
                for (int s = 0; s < 6; s++)
                {
                    int r0 = rng.Next(4, 24), c0 = rng.Next(4, 24);
                    bool horizontal = rng.Next(2) == 0;
                    for (int k = -5; k <= 5; k++)
                    {
                        int r = horizontal ? r0 : Math.Clamp(r0 + k, 0, 27), col = horizontal ? Math.Clamp(c0 + k, 0, 27) : c0;
                        templates[c * 784 + r * 28 + col] = 255f;
                    }
                }
            }
            var x = new float[samples * 784];
            for (int i = 0; i < samples; i++)
            {
                int label = rng.Next(10);
                for (int j = 0; j < 784; j++)
                {
                    x[i * 784 + j] = rng.NextDouble() < 0.03 ? 255f - templates[label * 784 + j] : templates[label * 784 + j];
                }
            }
            return (Tensor.FromArray(x, samples, 28, 28), "generated digits (MNIST not found)");
        }
    }
}
