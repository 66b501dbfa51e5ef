using System.Text.Json.Serialization;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Bench;

/// <summary>One layer of a benchmark model, in Keras's words; peers build the same layer from it.</summary>
public sealed record LayerSpec(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("units")] int? Units = null,
    [property: JsonPropertyName("activation")] string? Activation = null,
    [property: JsonPropertyName("rate")] double? Rate = null,
    [property: JsonPropertyName("filters")] int? Filters = null,
    [property: JsonPropertyName("kernel_size")] int? KernelSize = null,
    [property: JsonPropertyName("pool_size")] int? PoolSize = null,
    [property: JsonPropertyName("padding")] string? Padding = null,
    [property: JsonPropertyName("input_dim")] int? InputDim = null,
    [property: JsonPropertyName("num_heads")] int? NumHeads = null,
    [property: JsonPropertyName("ff_dim")] int? FfDim = null,
    [property: JsonPropertyName("embed_dim")] int? EmbedDim = null,
    [property: JsonPropertyName("story_length")] int? StoryLength = null)
{
    /// <summary>Keras's spelling of the layer, for reports.</summary>
    public override string ToString() => Type switch
    {
        "dense" => $"Dense({Units}{(Activation is null ? "" : ", " + Activation)})",
        "dropout" => $"Dropout({Rate})",
        "flatten" => "Flatten",
        "conv2d" => $"Conv2D({Filters}, {KernelSize}{(Padding is null ? "" : ", " + Padding)}, {Activation})",
        "max_pooling2d" => $"MaxPooling2D({PoolSize})",
        "lstm" => $"LSTM({Units})",
        "gru" => $"GRU({Units})",
        "time_distributed_lstm" => $"TimeDistributed(LSTM({Units}))",
        "token_and_position_embedding" => $"TokenAndPositionEmbedding({InputDim}, {Units})",
        "transformer_block" => $"TransformerBlock({Units}, {NumHeads}, {FfDim}, {Rate})",
        "global_average_pooling1d" => "GlobalAveragePooling1D",
        "babi_encoder" => $"[story, question] -> Embedding({InputDim}, {EmbedDim}) -> LSTM({Units}) each -> concatenate",
        _ => Type,
    };
}

/// <summary>An optimizer and its hyper-parameters, Keras 3 names and defaults.</summary>
public sealed record OptimizerSpec(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("learning_rate")] double LearningRate = 0.001,
    [property: JsonPropertyName("beta_1")] double Beta1 = 0.9,
    [property: JsonPropertyName("beta_2")] double Beta2 = 0.999,
    [property: JsonPropertyName("rho")] double Rho = 0.9,
    [property: JsonPropertyName("epsilon")] double Epsilon = 1e-7)
{
    /// <summary>The SharpKeras optimizer this describes.</summary>
    public Optimizer Create() => Name switch
    {
        "adam" => new Adam(LearningRate, Beta1, Beta2, Epsilon),
        "rmsprop" => new RMSprop(LearningRate, Rho, 0.0, Epsilon),
        "sgd" => new SGD(LearningRate),
        "adadelta" => new Adadelta(LearningRate, Rho, Epsilon),
        _ => throw new NotSupportedException($"Optimizer '{Name}' is not in SharpKeras yet."),
    };

    /// <summary>Keras's spelling, for reports.</summary>
    public override string ToString() => Name switch
    {
        "adam" => $"Adam(lr={LearningRate})",
        "rmsprop" => $"RMSprop(lr={LearningRate})",
        _ => $"{Name}(lr={LearningRate})",
    };
}

/// <summary>Where a workload's data comes from.</summary>
public enum DataKind
{
    /// <summary>Fashion-MNIST's 60,000 training images (28x28), synthetic of that shape when absent.</summary>
    FashionMnist,

    /// <summary>MNIST's 60,000 training images flattened to 784, synthetic of that shape when absent.</summary>
    Mnist,

    /// <summary>Random images flattened to 784 with random labels (keras_benchmarks' generated data).</summary>
    SyntheticMnist784,

    /// <summary>Random 28x28x1 images (mnist_cnn's shape).</summary>
    SyntheticMnistImages,

    /// <summary>Random 32x32x3 images (CIFAR-10's shape).</summary>
    SyntheticCifar10,

    /// <summary>Random 40x60 sequences (keras_benchmarks' text input for lstm and gru).</summary>
    SyntheticText,

    /// <summary>Generated story/question/answer integer sequences of the bAbI shapes.</summary>
    SyntheticBabi,

    /// <summary>Generated reviews: word ids below the first layer's input_dim, stored as floats, with random labels.</summary>
    SyntheticTokens,
}

/// <summary>One benchmark model: architecture, training set-up, data and defaults.</summary>
public sealed record Workload
{
    /// <summary>The name used with --models.</summary>
    public required string Name { get; init; }

    /// <summary>What it is and where it comes from.</summary>
    public required string Description { get; init; }

    /// <summary>Per-sample input shape (without the batch axis).</summary>
    public required int[] InputShape { get; init; }

    /// <summary>The layers, in order (empty where the model is not sequential).</summary>
    public required IReadOnlyList<LayerSpec> Layers { get; init; }

    /// <summary>The optimizer.</summary>
    public required OptimizerSpec Optimizer { get; init; }

    /// <summary>Number of classes of the (sparse, integer) labels.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>The data.</summary>
    public required DataKind Data { get; init; }

    /// <summary>Default batch size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Default epochs per run.</summary>
    public required int Epochs { get; init; }

    /// <summary>Default training samples.</summary>
    public required int Samples { get; init; }

    /// <summary>Training samples under --quick (small, so that a whole suite stays around a minute).</summary>
    public int QuickSamples { get; init; } = 1024;

    /// <summary>Discard the first epoch's time (keras_benchmarks' method: run N+1 epochs).</summary>
    public bool DiscardFirstEpoch { get; init; }

    /// <summary>Batch size at which inference is timed; 0: not timed.</summary>
    public int InferenceBatch { get; init; }

    /// <summary>
    /// Whether SharpKeras has every layer and optimizer this needs. This flag is the one switch: set it
    /// (and add the layer's case to <see cref="ModelFactory"/>) when the layer lands.
    /// </summary>
    public required bool Supported { get; init; }

    /// <summary>What is missing when not supported.</summary>
    public string? Missing { get; init; }

    /// <summary>The architecture in Keras's words.</summary>
    public string Architecture => Layers.Count == 0 ? Description : string.Join(" -> ", Layers);
}

/// <summary>The workloads of every suite.</summary>
public static class Catalog
{
    private static LayerSpec Dense(int units, string? activation = null) => new("dense", Units: units, Activation: activation);
    private static LayerSpec Dropout(double rate) => new("dropout", Rate: rate);
    private static LayerSpec Conv(int filters, string padding = "valid") => new("conv2d", Filters: filters, KernelSize: 3, Activation: "relu", Padding: padding);
    private static readonly LayerSpec Flatten = new("flatten");
    private static readonly LayerSpec Pool = new("max_pooling2d", PoolSize: 2);

    private static readonly LayerSpec[] MnistMlpLayers =
        [Dense(512, "relu"), Dropout(0.2), Dense(512, "relu"), Dropout(0.2), Dense(10, "softmax")];

    private static readonly LayerSpec[] Cifar10CnnLayers =
    [
        Conv(32, "same"), Conv(32), Pool, Dropout(0.25), Conv(64, "same"), Conv(64), Pool, Dropout(0.25),
        Flatten, Dense(512, "relu"), Dropout(0.5), Dense(10, "softmax"),
    ];

    /// <summary>The seed experiment.</summary>
    public static readonly IReadOnlyList<Workload> Seed =
    [
        new()
        {
            Name = "seed_mlp",
            Description = "The paper's experiment: Fashion-MNIST MLP, Adam, batch 10000, 5 epochs, Fit timed",
            InputShape = [28, 28], Layers = [Flatten, Dense(128, "relu"), Dense(10, "softmax")],
            Optimizer = new OptimizerSpec("adam"), Data = DataKind.FashionMnist,
            BatchSize = 10000, Epochs = 5, Samples = 60000, Supported = true,
        },
    ];

    /// <summary>Keras's example programs (keras/examples of Keras 2).</summary>
    public static readonly IReadOnlyList<Workload> KerasExamples =
    [
        new()
        {
            Name = "mnist_mlp",
            Description = "keras/examples/mnist_mlp.py: MNIST, Dense512-Dropout.2-Dense512-Dropout.2-Dense10, RMSprop, batch 128",
            InputShape = [784], Layers = MnistMlpLayers, Optimizer = new OptimizerSpec("rmsprop"), Data = DataKind.Mnist,
            BatchSize = 128, Epochs = 1, Samples = 60000, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "mnist_cnn",
            Description = "keras/examples/mnist_cnn.py: MNIST convnet, Adadelta, batch 128",
            InputShape = [28, 28, 1],
            Layers = [Conv(32), Conv(64), Pool, Dropout(0.25), Flatten, Dense(128, "relu"), Dropout(0.5), Dense(10, "softmax")],
            Optimizer = new OptimizerSpec("adadelta", LearningRate: 1.0, Rho: 0.95), Data = DataKind.Mnist,
            BatchSize = 128, Epochs = 1, Samples = 60000, QuickSamples = 256, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "cifar10_cnn",
            Description = "keras/examples/cifar10_cnn.py: CIFAR-10 convnet, RMSprop(lr=1e-4), batch 32",
            InputShape = [32, 32, 3], Layers = Cifar10CnnLayers, Optimizer = new OptimizerSpec("rmsprop", LearningRate: 1e-4),
            Data = DataKind.SyntheticCifar10, BatchSize = 32, Epochs = 1, Samples = 50000, QuickSamples = 128, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "mnist_hierarchical_rnn",
            Description = "keras/examples/mnist_hierarchical_rnn.py: rows encoded by TimeDistributed(LSTM(128)), then LSTM(128), RMSprop, batch 32",
            InputShape = [28, 28, 1], Layers = [new("time_distributed_lstm", Units: 128), new("lstm", Units: 128), Dense(10, "softmax")],
            Optimizer = new OptimizerSpec("rmsprop"), Data = DataKind.Mnist, BatchSize = 32, Epochs = 1, Samples = 60000,
            QuickSamples = 64, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "babi_rnn",
            Description = "keras/examples/babi_rnn.py (qa2, en-10k): the story (552 words) and the question (5) each through Embedding(36, 50) and LSTM(100), concatenated, Dense(36, softmax), Adam, batch 32 (generated data of the bAbI shapes when the tasks are absent)",
            InputShape = [552 + 5], Layers = [new("babi_encoder", Units: 100, InputDim: 36, EmbedDim: 50, StoryLength: 552), Dense(36, "softmax")],
            Optimizer = new OptimizerSpec("adam"), Data = DataKind.SyntheticBabi,
            BatchSize = 32, Epochs = 1, Samples = 9500, QuickSamples = 128, Classes = 36, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "transformer",
            Description = "keras-io nlp/text_classification_with_transformer.py: TokenAndPositionEmbedding(20000, 32) over 200 words, TransformerBlock(32, 2 heads, ff 32), GlobalAveragePooling1D, Dense20, Dense2, Adam, batch 32 (generated reviews)",
            InputShape = [200],
            Layers =
            [
                new("token_and_position_embedding", Units: 32, InputDim: 20000), new("transformer_block", Units: 32, Rate: 0.1, NumHeads: 2, FfDim: 32),
                new("global_average_pooling1d"), Dropout(0.1), Dense(20, "relu"), Dropout(0.1), Dense(2, "softmax"),
            ],
            Optimizer = new OptimizerSpec("adam"), Data = DataKind.SyntheticTokens, Classes = 2,
            BatchSize = 32, Epochs = 2, Samples = 25000, QuickSamples = 64, InferenceBatch = 128, Supported = true,
        },
    ];

    /// <summary>The public keras_benchmarks set (synthetic data; N+1 epochs, the first discarded).</summary>
    public static readonly IReadOnlyList<Workload> KerasBenchmarks =
    [
        new()
        {
            Name = "mnist_mlp",
            Description = "keras_benchmarks mnist_mlp: generated 28x28 images flattened to 784, Dense512-Dropout.2-Dense512-Dropout.2-Dense10, RMSprop, batch 128",
            InputShape = [784], Layers = MnistMlpLayers, Optimizer = new OptimizerSpec("rmsprop"), Data = DataKind.SyntheticMnist784,
            BatchSize = 128, Epochs = 3, Samples = 10000, DiscardFirstEpoch = true, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "cifar10_cnn",
            Description = "keras_benchmarks cifar10_cnn: generated 32x32x3 images, the cifar10_cnn example's convnet, RMSprop(lr=1e-4)",
            InputShape = [32, 32, 3], Layers = Cifar10CnnLayers, Optimizer = new OptimizerSpec("rmsprop", LearningRate: 1e-4),
            Data = DataKind.SyntheticCifar10, BatchSize = 32, Epochs = 3, Samples = 2000, QuickSamples = 128, DiscardFirstEpoch = true, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "lstm",
            Description = "keras_benchmarks lstm: generated 40x60 text input, LSTM(128) -> Dense(60, softmax), RMSprop(lr=0.01), batch 128",
            InputShape = [40, 60], Layers = [new("lstm", Units: 128), Dense(60, "softmax")], Optimizer = new OptimizerSpec("rmsprop", LearningRate: 0.01),
            Data = DataKind.SyntheticText, Classes = 60, BatchSize = 128, Epochs = 3, Samples = 1000, QuickSamples = 256, DiscardFirstEpoch = true, InferenceBatch = 128, Supported = true,
        },
        new()
        {
            Name = "gru",
            Description = "keras_benchmarks gru: generated 40x60 text input, GRU(128) -> Dense(60, softmax), RMSprop(lr=0.01), batch 128",
            InputShape = [40, 60], Layers = [new("gru", Units: 128), Dense(60, "softmax")], Optimizer = new OptimizerSpec("rmsprop", LearningRate: 0.01),
            Data = DataKind.SyntheticText, Classes = 60, BatchSize = 128, Epochs = 3, Samples = 1000, QuickSamples = 256, DiscardFirstEpoch = true, InferenceBatch = 128, Supported = true,
        },
    ];

    /// <summary>The training workloads of a suite.</summary>
    public static IReadOnlyList<Workload> For(string suite) => suite switch
    {
        "seed" => Seed,
        "keras-examples" => KerasExamples,
        "keras-benchmarks" => KerasBenchmarks,
        _ => [],
    };
}

/// <summary>Builds the SharpKeras model of a workload: the one place a new layer type is switched on.</summary>
public static class ModelFactory
{
    /// <summary>A fresh, compiled model (weights drawn from the global seed generator).</summary>
    public static Sequential Build(Workload w, bool composedAttention = false)
    {
        var model = new Sequential(w.Name);
        model.Add(new InputLayer(w.InputShape));
        foreach (var l in w.Layers)
        {
            model.Add(l.Type switch
            {
                "flatten" => new Flatten(),
                "dense" => new Dense(l.Units!.Value, null, l.Activation ?? "linear"),
                "dropout" => new Dropout(l.Rate!.Value),
                "conv2d" => new Conv2D(l.Filters!.Value, l.KernelSize!.Value, padding: l.Padding ?? "valid", activation: l.Activation ?? "linear"),
                "max_pooling2d" => new MaxPooling2D(l.PoolSize!.Value),
                "lstm" => new LSTM(l.Units!.Value),
                "gru" => new GRU(l.Units!.Value),
                "time_distributed_lstm" => new TimeDistributed(new LSTM(l.Units!.Value)),
                "token_and_position_embedding" => new TokenAndPositionEmbedding(w.InputShape[^1], l.InputDim!.Value, l.Units!.Value),
                "transformer_block" => new TransformerBlock(l.Units!.Value, l.NumHeads!.Value, l.FfDim!.Value, l.Rate ?? 0.1, composedAttention ? false : null),
                "global_average_pooling1d" => new GlobalAveragePooling1D(),
                "babi_encoder" => new BabiEncoder(l.StoryLength!.Value, l.InputDim!.Value, l.EmbedDim!.Value, l.Units!.Value),
                _ => throw new NotSupportedException($"Layer {l} is not in SharpKeras yet (workload '{w.Name}')."),
            });
        }
        model.Compile(w.Optimizer.Create(), "sparse_categorical_crossentropy", ["accuracy"]);
        return model;
    }

    /// <summary>
    /// FLOPs of one training step on a batch of <paramref name="batch"/> samples, counting matrix
    /// multiplies and convolutions only: the forward product, the same again for the weight gradient and
    /// again for the input gradient, except where no layer before has weights (that input gradient is not
    /// computed). Recurrent layers count their input and recurrent products at every step. Null when the
    /// model has a layer whose count is not modelled here.
    /// </summary>
    public static double? TrainingFlopsPerStep(Workload w, int batch) => Count(w, batch)?.Training;

    /// <summary>FLOPs of one inference (forward) pass over <paramref name="batch"/> samples (same counting).</summary>
    public static double? InferenceFlops(Workload w, int batch) => Count(w, batch)?.Forward;

    private static (double Forward, double Training)? Count(Workload w, int batch)
    {
        double forward = 0, training = 0;
        long[] dims = [.. w.InputShape.Select(d => (long)d)];
        bool weightsBefore = false;
        void Product(double flops, bool inputGradient)
        {
            forward += flops;
            training += flops * (inputGradient ? 3 : 2);
        }
        void Recurrent(long sequences, long steps, long features, long units, int gates)
        {
            Product(2.0 * sequences * steps * features * gates * units, weightsBefore); // input kernel
            Product(2.0 * sequences * steps * units * gates * units, true);             // recurrent kernel: dh flows back through time
        }
        if (w.Layers.Count == 0)
        {
            return null;
        }
        foreach (var l in w.Layers)
        {
            switch (l.Type)
            {
                case "flatten":
                    dims = [dims.Aggregate(1L, (p, d) => p * d)];
                    break;
                case "dropout":
                    break;
                case "dense":
                    long rows = dims[..^1].Aggregate(1L, (p, d) => p * d);
                    Product(2.0 * batch * rows * dims[^1] * l.Units!.Value, weightsBefore);
                    dims[^1] = l.Units!.Value;
                    break;
                case "conv2d":
                    long k = l.KernelSize!.Value;
                    bool same = l.Padding == "same";
                    long ho = same ? dims[0] : dims[0] - k + 1, wo = same ? dims[1] : dims[1] - k + 1;
                    Product(2.0 * batch * ho * wo * k * k * dims[2] * l.Filters!.Value, weightsBefore);
                    dims = [ho, wo, l.Filters!.Value];
                    break;
                case "max_pooling2d":
                    dims = [dims[0] / l.PoolSize!.Value, dims[1] / l.PoolSize!.Value, dims[2]];
                    break;
                case "lstm":
                case "gru":
                    Recurrent(batch, dims[0], dims[1], l.Units!.Value, l.Type == "lstm" ? 4 : 3);
                    dims = [l.Units!.Value];
                    break;
                case "time_distributed_lstm":
                    // Each of dims[0] rows is a sequence of dims[1] steps of dims[2] features.
                    Recurrent((long)batch * dims[0], dims[1], dims[2], l.Units!.Value, 4);
                    dims = [dims[0], l.Units!.Value];
                    break;
                case "token_and_position_embedding":
                    // Lookups, no products; the weights make every later input gradient count.
                    dims = [dims[0], l.Units!.Value];
                    break;
                case "transformer_block":
                    // MultiHeadAttention with key_dim = value_dim = embed_dim: query, key and value projections,
                    // the scores and the weighted values per head (both operands get gradients), the output
                    // projection; then the feed-forward pair of Dense layers.
                    long seq = dims[0], d = dims[1], h = l.NumHeads!.Value, ff = l.FfDim!.Value;
                    Product(3 * 2.0 * batch * seq * d * h * d, weightsBefore);
                    Product(2 * 2.0 * batch * h * seq * seq * d, true);
                    Product(2.0 * batch * seq * h * d * d, true);
                    Product(2.0 * batch * seq * d * ff, true);
                    Product(2.0 * batch * seq * ff * d, true);
                    break;
                case "global_average_pooling1d":
                    dims = [dims[^1]];
                    break;
                case "babi_encoder":
                    // Two embedded LSTMs, story then question; the embeddings train, so both input kernels pass gradients back.
                    weightsBefore = true;
                    long story = l.StoryLength!.Value;
                    Recurrent(batch, story, l.EmbedDim!.Value, l.Units!.Value, 4);
                    Recurrent(batch, dims[0] - story, l.EmbedDim!.Value, l.Units!.Value, 4);
                    dims = [2L * l.Units!.Value];
                    break;
                default:
                    return null;
            }
            weightsBefore |= l.Type is "dense" or "conv2d" or "lstm" or "gru" or "time_distributed_lstm" or "token_and_position_embedding" or "transformer_block" or "babi_encoder";
        }
        return (forward, training);
    }
}
