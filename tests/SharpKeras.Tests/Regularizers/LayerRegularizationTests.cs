using SharpKeras.Constraints;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Regularizers;

namespace SharpKeras.Tests.Regularizers;

/// <summary>
/// Every layer with weights takes Keras's regularizer and constraint arguments: the penalties join the
/// evaluated and trained loss, the constraints hold after training, and the arguments survive a .keras file.
/// </summary>
public sealed class LayerRegularizationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-layer-reg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Kinds => ["dense", "conv1d", "conv2d", "conv2d_transpose", "depthwise_conv2d", "separable_conv2d", "embedding",
        "batch_normalization", "layer_normalization", "simple_rnn", "lstm", "gru"];

    private static L2 R(double f) => new(f);

    /// <summary>The layer (with every regularizer, an L2 of a distinct factor, and NonNeg constraints when asked), its per-sample input shape, and the number of regularized weights.</summary>
    private static (Layer Layer, int[] Input, int Regularized) Make(string kind, bool reg)
    {
        L2? a = reg ? R(0.01) : null, b = reg ? R(0.02) : null, c = reg ? R(0.03) : null;
        NonNeg? n = reg ? new NonNeg() : null;
        return kind switch
        {
            "dense" => (new Dense(3, kernelRegularizer: a, biasRegularizer: b, kernelConstraint: n, biasConstraint: n, biasInitializer: "ones"), [4], 2),
            "conv1d" => (new Conv1D(2, 2, kernelRegularizer: a, biasRegularizer: b, kernelConstraint: n, biasConstraint: n), [5, 2], 2),
            "conv2d" => (new Conv2D(2, 2, kernelRegularizer: a, biasRegularizer: b, kernelConstraint: n, biasConstraint: n), [4, 4, 2], 2),
            "conv2d_transpose" => (new Conv2DTranspose(2, 2, kernelRegularizer: a, biasRegularizer: b, kernelConstraint: n, biasConstraint: n), [3, 3, 2], 2),
            "depthwise_conv2d" => (new DepthwiseConv2D(2, depthwiseRegularizer: a, biasRegularizer: b, depthwiseConstraint: n, biasConstraint: n), [4, 4, 2], 2),
            "separable_conv2d" => (new SeparableConv2D(2, 2, depthwiseRegularizer: a, pointwiseRegularizer: b, biasRegularizer: c,
                depthwiseConstraint: n, pointwiseConstraint: n, biasConstraint: n), [4, 4, 2], 3),
            "embedding" => (new Embedding(6, 3, embeddingsRegularizer: a, embeddingsConstraint: n), [4], 1),
            "batch_normalization" => (new BatchNormalization(betaRegularizer: a, gammaRegularizer: b, betaConstraint: n, gammaConstraint: n), [4], 2),
            "layer_normalization" => (new LayerNormalization(betaRegularizer: a, gammaRegularizer: b, betaConstraint: n, gammaConstraint: n), [4], 2),
            "simple_rnn" => (new SimpleRNN(3, kernelRegularizer: a, recurrentRegularizer: b, biasRegularizer: c, kernelConstraint: n, recurrentConstraint: n, biasConstraint: n), [5, 2], 3),
            "lstm" => (new LSTM(3, kernelRegularizer: a, recurrentRegularizer: b, biasRegularizer: c, kernelConstraint: n, recurrentConstraint: n, biasConstraint: n), [5, 2], 3),
            _ => (new GRU(3, kernelRegularizer: a, recurrentRegularizer: b, biasRegularizer: c, kernelConstraint: n, recurrentConstraint: n, biasConstraint: n), [5, 2], 3),
        };
    }

    private static (Sequential Model, Layer Layer) Model(string kind, bool reg)
    {
        Config.SetRandomSeed(21);
        var (layer, input, _) = Make(kind, reg);
        var model = new Sequential([Keras.Input(input, dtype: kind == "embedding" ? DType.Int32 : DType.Float32), layer, new Flatten(), new Dense(1)]);
        model.Compile(new SGD(0.05), "mse");
        return (model, layer);
    }

    private static Tensor Inputs(string kind, int n)
    {
        var (_, input, _) = Make(kind, false);
        if (kind == "embedding")
        {
            return Tensor.FromArray(Enumerable.Range(0, n * 4).Select(i => i * 7 % 6).ToArray(), n, 4);
        }
        return GradCheck.Random(8, -1, 1, [n, .. input]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PenaltiesJoinTheLossAndConstraintsHoldAfterTraining(string kind)
    {
        var (model, layer) = Model(kind, reg: true);
        var (plain, _) = Model(kind, reg: false);
        var x = Inputs(kind, 8);
        var y = GradCheck.Random(9, -1, 1, 8, 1);
        model.EnsureBuilt(x.Shape);
        plain.EnsureBuilt(x.Shape);
        plain.SetWeights(model.GetWeights());

        var regularized = layer.TrainableWeights.Where(v => v.Regularizer is not null).ToList();
        Assert.Equal(Make(kind, false).Regularized, regularized.Count);
        double penalty = regularized.Sum(v => ((L2)v.Regularizer!).Factor * v.Value.ToArray().Sum(w => (double)w * w));
        Assert.True(penalty > 0);
        Assert.Equal(plain.Evaluate(x, y, verbose: 0).Loss + penalty, model.Evaluate(x, y, verbose: 0).Loss, 4);
        Assert.Equal(penalty, layer.Losses.Sum(l => l.Item()), 4);

        model.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0);
        foreach (var v in layer.TrainableWeights)
        {
            Assert.NotNull(v.Constraint);
            Assert.All(v.Value.ToArray(), w => Assert.True(w >= 0, $"{kind} {v.Name} has {w} < 0 under NonNeg"));
        }

        string path = Path.Combine(_dir, kind + ".keras");
        model.Save(path);
        var loaded = SharpKeras.Models.Model.Load(path);
        Assert.Equal(layer.GetConfig().ToJsonString(), loaded.Layers[0].GetConfig().ToJsonString());
        Assert.Equal(model.Evaluate(x, y, verbose: 0).Loss, loaded.Evaluate(x, y, verbose: 0).Loss, 6);
    }
}
