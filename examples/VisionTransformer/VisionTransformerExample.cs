// keras-io "Image classification with Vision Transformer" (examples/vision/image_classification_with_vision_transformer.py):
// data augmentation (Normalization adapted to the training images, Resizing, RandomFlip, RandomRotation, RandomZoom), a
// Patches layer, a PatchEncoder (a Dense projection plus a position Embedding), transformer blocks of LayerNormalization,
// MultiHeadAttention and a gelu MLP with residual Adds, and an MLP head giving logits; AdamW, sparse categorical
// cross-entropy from logits, accuracy and top-5 accuracy, the best weights kept by ModelCheckpoint. keras-io uses
// CIFAR-100; this port reads CIFAR-10 from --data or the Keras cache when present (never downloaded), else generated
// images of its shape.
using System.Diagnostics;
using System.Globalization;
using SharpKeras.Callbacks;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using CrossEntropy = SharpKeras.Losses.SparseCategoricalCrossentropy;

namespace SharpKeras.Examples;

/// <summary>image_classification_with_vision_transformer as a function the example program and the smoke test both run.</summary>
internal static class VisionTransformerExample
{
    /// <summary>Implement patch creation as a layer.</summary>
    private sealed class Patches : Layer
    {
        private readonly int _patchSize;

        public Patches(int patchSize)
        {
            _patchSize = patchSize;
        }

        protected override Tensor Call(Tensor images, bool training)
        {
            var inputShape = images.Shape;
            int batchSize = inputShape[0];
            int height = inputShape[1];
            int width = inputShape[2];
            int channels = inputShape[3];
            int numPatchesH = height / _patchSize;
            int numPatchesW = width / _patchSize;
            // keras.ops.image.extract_patches(images, size=patch_size) has no SharpKeras op yet: the same
            // (row, column, channel) ordering of each patch from a reshape and a transpose.
            var patches = Ops.Reshape(images, batchSize, numPatchesH, _patchSize, numPatchesW, _patchSize, channels);
            patches = Ops.Transpose(patches, 0, 1, 3, 2, 4, 5);
            patches = Ops.Reshape(patches, batchSize, numPatchesH * numPatchesW, _patchSize * _patchSize * channels);
            return patches;
        }

        // Keras infers the output shape by tracing call(); a SharpKeras layer declares it.
        public override Shape ComputeOutputShape(Shape inputShape) =>
            new(inputShape[0], inputShape[1] / _patchSize * (inputShape[2] / _patchSize), _patchSize * _patchSize * inputShape[3]);
    }

    /// <summary>The PatchEncoder layer linearly transforms a patch by projecting it into a vector of size projectionDim and adds a learnable position embedding.</summary>
    private sealed class PatchEncoder : Layer
    {
        private readonly int _numPatches;
        private readonly int _projectionDim;
        private readonly Dense _projection;
        private readonly Embedding _positionEmbedding;

        public PatchEncoder(int numPatches, int projectionDim)
        {
            _numPatches = numPatches;
            _projectionDim = projectionDim;
            _projection = Track(new Dense(units: projectionDim));
            _positionEmbedding = Track(new Embedding(inputDim: numPatches, outputDim: projectionDim));
        }

        protected override Tensor Call(Tensor patch, bool training)
        {
            var positions = Ops.ExpandDims(Ops.Arange(start: 0, stop: _numPatches, step: 1), axis: 0);
            var projectedPatches = _projection.Apply(patch);
            var encoded = projectedPatches + _positionEmbedding.Apply(positions);
            return encoded;
        }

        public override Shape ComputeOutputShape(Shape inputShape) => new([.. inputShape.Dims[..^1], _projectionDim]);
    }

    private static KerasTensor Mlp(KerasTensor x, int[] hiddenUnits, double dropoutRate)
    {
        foreach (int units in hiddenUnits)
        {
            x = new Dense(units, activation: "gelu").Apply(x);
            x = new Dropout(dropoutRate).Apply(x);
        }
        return x;
    }

    /// <summary>
    /// Trains on <paramref name="samples"/> images (a tenth held out for validation, as validation_split=0.1) and evaluates on
    /// the test set; returns the per-epoch losses and the RESULT line. The defaults of the sizes are this port's small ones;
    /// keras-io's are image_size 72, patch_size 6, projection_dim 64, num_heads 4, transformer_layers 8, mlp_head_units [2048, 1024].
    /// </summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath,
        bool searchCache = true, int imageSize = 36, int patchSize = 6, int projectionDim = 32, int numHeads = 4, int transformerLayers = 2,
        int[]? mlpHeadUnits = null, double learningRate = 0.001, double weightDecay = 0.0001)
    {
        var ((xTrain, yTrain), (xTest, yTest), source) = LoadCifar10(samples, dataPath, searchCache);
        int numClasses = 10;
        int[] inputShape = [32, 32, 3];
        if (verbose > 0)
        {
            Console.WriteLine($"x_train shape: {xTrain.Shape} - y_train shape: {yTrain.Shape} ({source})");
            Console.WriteLine($"x_test shape: {xTest.Shape} - y_test shape: {yTest.Shape}");
        }

        int numPatches = (imageSize / patchSize) * (imageSize / patchSize);
        int[] transformerUnits = [projectionDim * 2, projectionDim]; // Size of the transformer layers
        mlpHeadUnits ??= [256, 128]; // Size of the dense layers of the final classifier

        // Use data augmentation
        var dataAugmentation = new Sequential(
        [
            new Normalization(),
            new Resizing(imageSize, imageSize),
            new RandomFlip("horizontal"),
            new RandomRotation(factor: 0.02),
            new RandomZoom(heightFactor: 0.2, widthFactor: 0.2),
        ], name: "data_augmentation");
        // Compute the mean and the variance of the training data for normalization.
        ((Normalization)dataAugmentation.Layers[0]).Adapt(xTrain);

        // Build the ViT model
        var inputs = Keras.Input(inputShape);
        // Augment data.
        var augmented = dataAugmentation.Apply(inputs);
        // Create patches.
        var patches = new Patches(patchSize).Apply(augmented);
        // Encode patches.
        var encodedPatches = new PatchEncoder(numPatches, projectionDim).Apply(patches);

        // Create multiple layers of the Transformer block.
        for (int i = 0; i < transformerLayers; i++)
        {
            // Layer normalization 1.
            var x1 = new LayerNormalization(epsilon: 1e-6).Apply(encodedPatches);
            // Create a multi-head attention layer.
            var attentionOutput = new MultiHeadAttention(numHeads: numHeads, keyDim: projectionDim, dropout: 0.1).Apply(x1, x1);
            // Skip connection 1.
            var x2 = new Add().Apply([attentionOutput, encodedPatches]);
            // Layer normalization 2.
            var x3 = new LayerNormalization(epsilon: 1e-6).Apply(x2);
            // MLP.
            x3 = Mlp(x3, hiddenUnits: transformerUnits, dropoutRate: 0.1);
            // Skip connection 2.
            encodedPatches = new Add().Apply([x3, x2]);
        }

        // Create a [batch_size, projection_dim] tensor.
        var representation = new LayerNormalization(epsilon: 1e-6).Apply(encodedPatches);
        representation = new Flatten().Apply(representation);
        representation = new Dropout(0.5).Apply(representation);
        // Add MLP.
        var features = Mlp(representation, hiddenUnits: mlpHeadUnits, dropoutRate: 0.5);
        // Classify outputs.
        var logits = new Dense(numClasses).Apply(features);
        // Create the Keras model.
        var model = new Model(inputs: inputs, outputs: logits);
        if (verbose > 0)
        {
            model.Summary();
        }

        var optimizer = new AdamW(learningRate: learningRate, weightDecay: weightDecay);
        model.Compile(optimizer: optimizer, loss: new CrossEntropy(fromLogits: true),
            metrics: [new SparseCategoricalAccuracy(name: "accuracy"), new SparseTopKCategoricalAccuracy(5, name: "top-5-accuracy")]);

        string checkpointDir = Directory.CreateTempSubdirectory("vit-").FullName;
        try
        {
            string checkpointFilepath = Path.Combine(checkpointDir, "checkpoint.weights.h5");
            var checkpointCallback = new ModelCheckpoint(checkpointFilepath, monitor: "val_accuracy", saveBestOnly: true, saveWeightsOnly: true);
            var watch = Stopwatch.StartNew();
            var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, validationSplit: 0.1, callbacks: [checkpointCallback], verbose: verbose);
            double secondsPerEpoch = watch.Elapsed.TotalSeconds / epochs;

            model.LoadWeights(checkpointFilepath);
            var scores = model.Evaluate(xTest, yTest, batchSize: batchSize, verbose: verbose);
            double accuracy = scores[1], top5Accuracy = scores[2];
            if (verbose > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {accuracy * 100:F2}%"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test top 5 accuracy: {top5Accuracy * 100:F2}%"));
            }
            string result = string.Create(CultureInfo.InvariantCulture,
                $"RESULT test_accuracy={accuracy:F4} test_top5_accuracy={top5Accuracy:F4} loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} seconds_per_epoch={secondsPerEpoch:F2} samples={xTrain.Shape[0]} image_size={imageSize} patches={numPatches} layers={transformerLayers} data={(source.StartsWith("real", StringComparison.Ordinal) ? "cifar10" : "generated")}");
            return (history["loss"], result);
        }
        finally
        {
            Directory.Delete(checkpointDir, recursive: true);
        }
    }

    /// <summary>keras.datasets.cifar10.load_data() cut to <paramref name="samples"/> training images (and as many test images, at most), or generated images.</summary>
    private static ((Tensor, Tensor), (Tensor, Tensor), string) LoadCifar10(int samples, string? dataPath, bool searchCache)
    {
        // Only the given folder, or the Keras cache folders that exist, each searched alone: never a download.
        var places = dataPath is not null ? [dataPath] : !searchCache ? [] : new[]
        {
            Environment.GetEnvironmentVariable("KERAS_HOME") is { Length: > 0 } home ? Path.Combine(home, "datasets") : null,
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keras", "datasets"),
            "/usr/share/datasets",
        }.Where(p => p is not null && Directory.Exists(p)).Select(p => p!).ToArray();
        foreach (var place in places)
        {
            try
            {
                var ((xTrain, yTrain), (xTest, yTest)) = Cifar10.LoadData(place);
                int n = Math.Min(samples, xTrain.Shape[0]), m = Math.Min(samples, xTest.Shape[0]);
                return ((xTrain.Slice(0, n).Cast(DType.Float32), yTrain.Slice(0, n)), (xTest.Slice(0, m).Cast(DType.Float32), yTest.Slice(0, m)), "real CIFAR-10");
            }
            catch (FileNotFoundException) when (dataPath is null)
            {
            }
        }
        return (Images(samples, 1), Images(Math.Max(samples / 5, 10), 2), "generated images (CIFAR-10 not found)");
    }

    /// <summary>CIFAR-10-shaped images (0..255) and labels (n, 1): each class a colour and a stripe direction under noise, which flips, small rotations and zooms keep.</summary>
    private static (Tensor X, Tensor Y) Images(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * 32 * 32 * 3];
        var y = new float[n];
        for (int s = 0; s < n; s++)
        {
            int label = rng.Next(10);
            y[s] = label;
            bool rows = label % 2 == 0;
            for (int i = 0; i < 32; i++)
            {
                for (int j = 0; j < 32; j++)
                {
                    bool stripe = ((rows ? i : j) / 4) % 2 == 0;
                    for (int c = 0; c < 3; c++)
                    {
                        // Classes 0..9 take colours from a 5-step palette per channel.
                        double colour = 40 + 40 * ((label / 2 + c * 2) % 5);
                        x[((s * 32 + i) * 32 + j) * 3 + c] = (float)Math.Clamp(colour + (stripe ? 30 : -30) + rng.Next(-40, 41), 0, 255);
                    }
                }
            }
        }
        return (Tensor.FromArray(x, n, 32, 32, 3), Tensor.FromArray(y, n, 1));
    }
}
