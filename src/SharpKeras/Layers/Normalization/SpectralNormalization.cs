using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Wraps a layer with a <c>kernel</c> (or an Embedding's <c>embeddings</c>) and, in training, divides that
/// kernel by its largest singular value before each call (<c>keras.layers.SpectralNormalization</c>). The
/// singular value is estimated by <see cref="PowerIterations"/> steps of power iteration on the kernel seen as
/// (-1, last axis), starting from the non-trainable <c>vector_u</c> of shape (1, last axis), which keeps the
/// estimate between steps; as in Keras the normalised kernel is written back into the wrapped layer's kernel.
/// </summary>
public sealed class SpectralNormalization : Layer, Saving.IKerasSerializable<SpectralNormalization>
{
    private Variable? _kernel;
    private Variable? _vectorU;

    /// <summary>Wraps <paramref name="layer"/>; <paramref name="powerIterations"/> is Keras's <c>power_iterations</c> (default 1).</summary>
    public SpectralNormalization(Layer layer, int powerIterations = 1, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (powerIterations <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(powerIterations), powerIterations,
                $"SpectralNormalization layer '{name ?? "spectral_normalization"}': power_iterations should be greater than zero, got {powerIterations}.");
        }
        Layer = Track(layer);
        PowerIterations = powerIterations;
    }

    /// <summary>The wrapped layer (Keras's <c>layer</c>).</summary>
    public Layer Layer { get; }

    /// <summary>Power-iteration steps per training call (Keras's <c>power_iterations</c>).</summary>
    public int PowerIterations { get; }

    /// <summary>The non-trainable estimate of the first right singular vector, shape (1, kernel's last axis); null before build.</summary>
    public Variable? VectorU => _vectorU;

    /// <inheritdoc/>
    private protected override bool KeepsOpScope => true;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 1)
        {
            throw IncompatibleInput(inputShape, "expected an input of rank >= 1");
        }
        Layer.EnsureBuilt(inputShape);
        _kernel = Layer switch
        {
            Embedding e => e.Embeddings,
            _ => Layer.Weights.FirstOrDefault(w => w.Name.Split('/')[^1] == "kernel"),
        } ?? throw new ArgumentException(
            $"SpectralNormalization layer '{Name}': the wrapped layer '{Layer.Name}' ({Layer.GetType().Name}) has no attribute 'kernel' nor 'embeddings'.");
        _vectorU = AddWeight("vector_u", new Shape(1, _kernel.Shape[-1]), new Initializers.TruncatedNormal(stddev: 0.02), trainable: false);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => Layer.ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (training)
        {
            Normalize();
            // A recorded training step replays its ops; this node makes the replay normalise again before the wrapped call.
            // The stored kernel, not a bfloat16 autocast read: the wrapped layer's read (rounding) must come after this node.
            if (GradientTape.IsRecording(_kernel!.Stored))
            {
                var marker = Tensor.Zeros(new Shape(1));
                GradientTape.Record(marker, [_kernel.Stored], Normalize, null, OpKind.SpectralNormalize);
            }
        }
        return Layer.Apply(inputs, training);
    }

    // The kernel and vector_u are updated in place, outside the gradient: Keras assigns them too, so the
    // wrapped layer's gradient reaches the kernel as if it had been set to the normalised value.
    private void Normalize()
    {
        // Written in place: the stored values, never an autocast copy.
        var w = _kernel!.Stored.Span;
        var uVar = _vectorU!.Stored.Span;
        int cols = uVar.Length, rows = w.Length / cols;
        bool allZero = true;
        foreach (var x in w)
        {
            if (x != 0)
            {
                allZero = false;
                break;
            }
        }
        if (allZero)
        {
            return;
        }
        var u = new double[cols];
        var v = new double[rows];
        for (int j = 0; j < cols; j++)
        {
            u[j] = uVar[j];
        }
        for (int it = 0; it < PowerIterations; it++)
        {
            for (int i = 0; i < rows; i++)
            {
                double s = 0;
                for (int j = 0; j < cols; j++)
                {
                    s += u[j] * w[i * cols + j];
                }
                v[i] = s;
            }
            L2Normalize(v);
            Array.Clear(u);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    u[j] += v[i] * w[i * cols + j];
                }
            }
            L2Normalize(u);
        }
        double sigma = 0;
        for (int j = 0; j < cols; j++)
        {
            double s = 0;
            for (int i = 0; i < rows; i++)
            {
                s += v[i] * w[i * cols + j];
            }
            sigma += s * u[j];
        }
        for (int k = 0; k < w.Length; k++)
        {
            w[k] = (float)(w[k] / sigma);
        }
        _kernel.MarkChanged();
        for (int j = 0; j < cols; j++)
        {
            uVar[j] = (float)u[j];
        }
    }

    // Keras's ops.normalize (order 2): x * rsqrt(max(sum(x^2), epsilon^2)), epsilon = 1e-7.
    private static void L2Normalize(double[] x)
    {
        double ss = 0;
        foreach (var e in x)
        {
            ss += e * e;
        }
        double inv = 1 / Math.Sqrt(Math.Max(ss, 1e-14));
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= inv;
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["layer"] = Saving.KerasSerializer.Serialize(Layer);
        c["power_iterations"] = PowerIterations;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static SpectralNormalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var inner = Saving.KerasSerializer.Layer(config["layer"] ?? throw Saving.Cfg.Missing(config, "layer", "the serialized wrapped layer"));
        return new SpectralNormalization(inner, Saving.Cfg.Int(config, "power_iterations", 1), Saving.Cfg.Name(config));
    }

    /// <summary>The wrapped layer's weights live under <c>layer</c>, as in Keras's files.</summary>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        yield return new("layer", Layer);
    }
}
