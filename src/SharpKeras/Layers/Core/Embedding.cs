using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Turns integer token ids into dense vectors (<c>keras.layers.Embedding</c>): (batch, ...) ids
/// give (batch, ..., outputDim). With <see cref="MaskZero"/>, id 0 is padding: the output carries a
/// mask that the recurrent layers after it follow.
/// </summary>
public sealed class Embedding : Layer, Saving.IKerasSerializable<Embedding>
{
    private Variable? _embeddings;

    /// <summary>
    /// An embedding of a vocabulary of <paramref name="inputDim"/> ids into <paramref name="outputDim"/> dimensions (initializer uniform(-0.05, 0.05) as Keras).
    /// <paramref name="inputLength"/> (Keras 2's <c>input_length</c>) or <paramref name="inputShape"/> declares the per-sample input shape.
    /// </summary>
    public Embedding(int inputDim, int outputDim, Initializer? embeddingsInitializer = null, bool maskZero = false, string? name = null,
        int? inputLength = null, int[]? inputShape = null, int? batchSize = null,
        Regularizers.Regularizer? embeddingsRegularizer = null, Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? embeddingsConstraint = null) : base(name, inputShape, batchSize, inputLength: inputLength)
    {
        if (inputDim <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, $"Embedding inputDim must be a positive integer, got {inputDim}.");
        }
        if (outputDim <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outputDim), outputDim, $"Embedding outputDim must be a positive integer, got {outputDim}.");
        }
        InputDim = inputDim;
        OutputDim = outputDim;
        EmbeddingsInitializer = embeddingsInitializer ?? new RandomUniform(-0.05, 0.05);
        MaskZero = maskZero;
        EmbeddingsRegularizer = embeddingsRegularizer;
        ActivityRegularizer = activityRegularizer;
        EmbeddingsConstraint = embeddingsConstraint;
    }

    /// <summary>Size of the vocabulary: ids lie in [0, inputDim).</summary>
    public int InputDim { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["input_dim"] = InputDim;
        c["output_dim"] = OutputDim;
        c["embeddings_initializer"] = Saving.KerasSerializer.Serialize(EmbeddingsInitializer);
        c["embeddings_regularizer"] = Saving.KerasSerializer.Serialize(EmbeddingsRegularizer);
        c["activity_regularizer"] = Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["embeddings_constraint"] = Saving.KerasSerializer.Serialize(EmbeddingsConstraint);
        c["mask_zero"] = MaskZero;
        return c;
    }

    /// <summary>Dimension of the dense embedding.</summary>
    public int OutputDim { get; }

    /// <summary>Initializer of the embeddings matrix.</summary>
    public Initializer EmbeddingsInitializer { get; }

    /// <summary>The penalty on the embeddings added to the loss (Keras's <c>embeddings_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? EmbeddingsRegularizer { get; }

    /// <summary>The projection of the embeddings after each update (Keras's <c>embeddings_constraint</c>), if any.</summary>
    public Constraints.Constraint? EmbeddingsConstraint { get; }

    /// <summary>Whether id 0 is padding to be masked (Keras's mask_zero).</summary>
    public bool MaskZero { get; }

    /// <summary>The embeddings matrix (inputDim, outputDim); null before build.</summary>
    public Variable? Embeddings => _embeddings;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        _embeddings = AddWeight("embeddings", new Shape(InputDim, OutputDim), EmbeddingsInitializer, true, EmbeddingsRegularizer, EmbeddingsConstraint);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new([.. inputShape.ToArray(), OutputDim]);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // Float ids are truncated to integers as Keras's ops.cast(inputs, "int32") does; the lookup reads each id that way.
        var mask = MaskZero ? Tensor.Zeros(inputs.Shape) : null;
        var y = Ops.Embedding(inputs, _embeddings!.Value, mask, Name);
        y.KerasMask = mask;
        return y;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Embedding FromConfig(JsonObject config) => new(Saving.Cfg.Int(config, "input_dim"), Saving.Cfg.Int(config, "output_dim"),
        Saving.KerasSerializer.Initializer(config["embeddings_initializer"], "random_uniform"), Saving.Cfg.Bool(config, "mask_zero", false),
        Saving.Cfg.Name(config), embeddingsRegularizer: Saving.KerasSerializer.Regularizer(config["embeddings_regularizer"]),
        embeddingsConstraint: Saving.KerasSerializer.Constraint(config["embeddings_constraint"]));
}
