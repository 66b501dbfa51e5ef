using System.Text.Json.Nodes;
using SharpKeras.Constraints;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Regularizers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Regularizers;

/// <summary>Keras's regularizers: penalties against hand-computed values, gradients, configs, and the penalty in the training loss.</summary>
public sealed class RegularizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-regularizers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Tensor s_w = Tensor.FromArray([1f, -2f, 3f, -4f], 2, 2);

    [Fact]
    public void PenaltiesMatchHandComputedValues()
    {
        Assert.Equal(0.1 * 10, new L1(0.1).Call(s_w).Item(), 6);
        Assert.Equal(0.5 * 30, new L2(0.5).Call(s_w).Item(), 5);
        Assert.Equal(0.1 * 10 + 0.5 * 30, new L1L2(0.1, 0.5).Call(s_w).Item(), 5);
        Assert.Equal(0.0, new L1L2().Call(s_w).Item());
        // Keras's docstring: L2(2.) on ones(5, 5) is 50.
        Assert.Equal(50.0, new L2(2.0).Call(Tensor.Ones(new Shape(5, 5))).Item(), 5);
        // Rows [1, 0] and [1, 1] / sqrt 2: one pair with dot product 1 / sqrt 2.
        var x = Tensor.FromArray([1f, 0f, 1f, 1f], 2, 2);
        Assert.Equal(0.01 * 0.5 * 2 / Math.Sqrt(2) / 1, new OrthogonalRegularizer(0.01).Call(x).Item(), 6);
        // Columns of [[1, 0], [1, 1]] are [1, 1] / sqrt 2 and [0, 1]: also one pair with dot 1 / sqrt 2.
        Assert.Equal(0.01 * 0.5 * 2 / Math.Sqrt(2), new OrthogonalRegularizer(0.01, "columns").Call(x).Item(), 6);
        // Three orthogonal rows give no penalty; rows [3, 4], [4, 3], [0, 5] give |24/25| + |20/25| + |15/25| twice over 3 pairs.
        Assert.Equal(0.0, new OrthogonalRegularizer(1).Call(Tensor.FromArray([2f, 0f, 0f, 0f, 3f, 0f, 0f, 0f, 5f], 3, 3)).Item(), 6);
        var rows = Tensor.FromArray([3f, 4f, 4f, 3f, 0f, 5f], 3, 2);
        Assert.Equal(1.0 * 0.5 * 2 * (24 + 20 + 15) / 25.0 / 3, new OrthogonalRegularizer(1).Call(rows).Item(), 5);
    }

    [Fact]
    public void BadArgumentsAreRejectedWithKerasWording()
    {
        Assert.Contains("non-negative float", Assert.Throws<ArgumentOutOfRangeException>(() => new L2(-1)).Message);
        Assert.Contains("mode=diagonal", Assert.Throws<ArgumentException>(() => new OrthogonalRegularizer(0.1, "diagonal")).Message);
        Assert.Contains("rank 2", Assert.Throws<ArgumentException>(() => new OrthogonalRegularizer().Call(Tensor.Ones(new Shape(2, 2, 2)))).Message);
        var e = Assert.Throws<ArgumentException>(() => Regularizer.Get("l3"));
        Assert.Contains("'l3'", e.Message);
        Assert.Contains("l1_l2", e.Message);
    }

    [Fact]
    public void IdentifiersGiveKerasDefaults()
    {
        Assert.Equal(0.01, Assert.IsType<L1>(Regularizer.Get("l1")).Factor);
        Assert.Equal(0.01, Assert.IsType<L2>((Regularizer)"l2").Factor);
        var both = Assert.IsType<L1L2>(Regularizer.Get("l1_l2"));
        Assert.Equal((0.0, 0.0), (both.L1, both.L2));
        var orth = Assert.IsType<OrthogonalRegularizer>(Regularizer.Get("orthogonal_regularizer"));
        Assert.Equal((0.01, "rows"), (orth.Factor, orth.Mode));
        Assert.IsType<L2>(Regularizer.Get("L2"));
    }

    private static Tensor AwayFromZero(int seed, params int[] shape)
    {
        // |x| has a kink at 0; keep every entry at least 0.2 away so central differences are valid.
        var t = GradCheck.Random(seed, 0.2f, 1f, shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i += 2)
        {
            s[i] = -s[i];
        }
        return t;
    }

    public static TheoryData<string> All => ["l1", "l2", "l1_l2", "orthogonal_rows", "orthogonal_columns"];

    private static Regularizer Make(string kind) => kind switch
    {
        "l1" => new L1(0.3),
        "l2" => new L2(0.2),
        "l1_l2" => new L1L2(0.3, 0.2),
        "orthogonal_rows" => new OrthogonalRegularizer(0.5),
        _ => new OrthogonalRegularizer(0.5, "columns"),
    };

    [Theory]
    [MemberData(nameof(All))]
    public void GradientsMatchFiniteDifferences(string kind)
    {
        var reg = Make(kind);
        GradCheck.Check(x => reg.Call(x[0]), [AwayFromZero(5, 4, 3)], eps: 1e-3f);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void ConfigRoundTrips(string kind)
    {
        var reg = Make(kind);
        var node = KerasSerializer.Serialize(reg)!;
        Assert.Equal("keras.regularizers", (string?)node["module"]);
        Assert.Equal(reg.GetType().Name, (string?)node["class_name"]);
        var back = KerasSerializer.Regularizer(JsonNode.Parse(node.ToJsonString()))!;
        Assert.IsType(reg.GetType(), back);
        Assert.Equal(reg.GetConfig().ToJsonString(), back.GetConfig().ToJsonString());
        var x = AwayFromZero(3, 3, 3);
        Assert.Equal(reg.Call(x).Item(), back.Call(x).Item());
    }

    [Fact]
    public void ConfigKeysAreKeras()
    {
        Assert.Equal("""{"l1":0.009999999776482582}""", new L1().GetConfig().ToJsonString());
        Assert.Equal("""{"l2":0.01}""", new L2().GetConfig().ToJsonString());
        Assert.Equal("""{"l1":0.1,"l2":0.2}""", new L1L2(0.1, 0.2).GetConfig().ToJsonString());
        Assert.Equal("""{"factor":0.5,"mode":"columns"}""", new OrthogonalRegularizer(0.5, "columns").GetConfig().ToJsonString());
        // As written in a Keras 3 config.json.
        var keras = JsonNode.Parse("""{"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.002}, "registered_name": null}""");
        var read = Assert.IsType<L1L2>(KerasSerializer.Regularizer(keras));
        Assert.Equal((0.001, 0.002), (read.L1, read.L2));
        Assert.IsType<L2>(KerasSerializer.Regularizer(JsonValue.Create("l2")));
        Assert.Null(KerasSerializer.Regularizer(null));
    }

    [Fact]
    public void LayerLossesFollowKerasDocstringExample()
    {
        // keras.regularizers.Regularizer's docstring: kernel L1 0.25 plus activity L2 500 / batch 5 = 5.25.
        var layer = new Dense(5, 5, kernelInitializer: "ones", kernelRegularizer: new L1(0.01), activityRegularizer: new L2(0.01));
        layer.Apply(Tensor.Full(new Shape(5, 5), 2f));
        Assert.Equal(5.25, layer.Losses.Sum(l => l.Item()), 4);
    }

    private static Sequential Regression(Regularizer? kernelRegularizer, Regularizer? activity = null)
    {
        var model = new Sequential([Keras.Input([3]), new Dense(2, kernelInitializer: "ones", kernelRegularizer: kernelRegularizer, activityRegularizer: activity)]);
        model.Compile(new SGD(0.1), "mse");
        return model;
    }

    [Fact]
    public void PenaltyJoinsTheEvaluatedLossAndItsGradientTheUpdate()
    {
        var x = GradCheck.Random(1, -1, 1, 8, 3);
        var y = GradCheck.Random(2, -1, 1, 8, 2);
        var plain = Regression(null);
        var regularized = Regression(new L2(0.05));
        double penalty = 0.05 * 6; // six kernel entries of 1
        Assert.Equal(plain.Evaluate(x, y, verbose: 0).Loss + penalty, regularized.Evaluate(x, y, verbose: 0).Loss, 5);

        double plainLoss = plain.TrainOnBatch(x, y).Loss;
        double regLoss = regularized.TrainOnBatch(x, y).Loss;
        Assert.Equal(plainLoss + penalty, regLoss, 5);
        // SGD: the penalty's gradient 2 * 0.05 * w (w = 1) moves every kernel entry 0.1 * 0.1 further.
        var wPlain = plain.Layers[0].Weights[0].Value.ToArray();
        var wReg = regularized.Layers[0].Weights[0].Value.ToArray();
        for (int i = 0; i < wPlain.Length; i++)
        {
            Assert.Equal(wPlain[i] - 0.1f * 0.1f, wReg[i], 5);
        }
        // Replayed steps recompute the penalty from the updated weights.
        for (int s = 0; s < 3; s++)
        {
            double before = plain.Evaluate(x, y, verbose: 0).Loss;
            var kernel = regularized.Layers[0].Weights[0].Value.ToArray();
            double expected = regularized.Evaluate(x, y, verbose: 0).Loss;
            Assert.Equal(expected - 0.05 * kernel.Sum(v => (double)v * v), EvaluateWithout(regularized, x, y), 5);
            plain.TrainOnBatch(x, y);
            regularized.TrainOnBatch(x, y);
            _ = before;
        }
    }

    private static double EvaluateWithout(Sequential regularized, Tensor x, Tensor y)
    {
        var copy = Regression(null);
        copy.SetWeights(regularized.GetWeights());
        return copy.Evaluate(x, y, verbose: 0).Loss;
    }

    [Fact]
    public void ActivityPenaltyJoinsTheTrainingLoss()
    {
        var x = GradCheck.Random(1, -1, 1, 8, 3);
        var y = GradCheck.Random(2, -1, 1, 8, 2);
        var plain = Regression(null);
        var regularized = Regression(null, new L1(0.01));
        var outputs = plain.Predict(x, verbose: 0).ToArray();
        double activity = 0.01 * outputs.Sum(v => Math.Abs((double)v)) / 8;
        Assert.Equal(plain.TrainOnBatch(x, y).Loss + activity, regularized.TrainOnBatch(x, y).Loss, 5);
        // Its gradient moves the weights differently from the plain model.
        Assert.NotEqual(plain.GetWeights()[0].ToArray(), regularized.GetWeights()[0].ToArray());
    }

    [Fact]
    public void RegularizersAndConstraintsSurviveSaveAndLoad()
    {
        var model = new Sequential(
        [
            Keras.Input([6, 2]),
            new Conv1D(3, 2, kernelRegularizer: new L1(0.02), biasRegularizer: "l2", activityRegularizer: new L1L2(0.1, 0.2), kernelConstraint: new MaxNorm(1.5, [0, 1]), biasConstraint: "non_neg"),
            new Flatten(),
            new Dense(2, kernelRegularizer: new OrthogonalRegularizer(0.3, "columns"), kernelConstraint: new MinMaxNorm(0.5, 1.0, 0.7), biasConstraint: new UnitNorm()),
        ]);
        model.Compile("adam", "mse");
        string path = Path.Combine(_dir, "regularized.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            Assert.Equal(model.Layers[i].GetConfig().ToJsonString(), loaded.Layers[i].GetConfig().ToJsonString());
        }
        var conv = Assert.IsType<Conv1D>(loaded.Layers[0]);
        Assert.Equal(0.02f, (float)Assert.IsType<L1>(conv.KernelRegularizer).Factor);
        Assert.IsType<L1L2>(conv.ActivityRegularizer);
        Assert.Equal([0, 1], Assert.IsType<MaxNorm>(conv.KernelConstraint).Axis);
        Assert.IsType<NonNeg>(conv.BiasConstraint);
        var x = GradCheck.Random(3, -1, 1, 4, 6, 2);
        var y = GradCheck.Random(4, -1, 1, 4, 2);
        Assert.Equal(model.Evaluate(x, y, verbose: 0).Loss, loaded.Evaluate(x, y, verbose: 0).Loss, 6);
    }

    [Fact]
    public void EmbeddingTakesItsRegularizerAndConstraint()
    {
        var layer = new Embedding(5, 2, embeddingsInitializer: "ones", embeddingsRegularizer: new L2(0.5), embeddingsConstraint: "unit_norm");
        layer.Apply(Tensor.FromArray([0, 1, 2], 1, 3));
        Assert.Equal(0.5 * 10, layer.Losses.Single().Item(), 5);
        var config = layer.GetConfig();
        Assert.Equal("L2", (string?)config["embeddings_regularizer"]!["class_name"]);
        Assert.Equal("UnitNorm", (string?)config["embeddings_constraint"]!["class_name"]);
        var back = Embedding.FromConfig(config);
        Assert.IsType<UnitNorm>(back.EmbeddingsConstraint);
    }

    private sealed class HalfSum : Regularizer
    {
        public override Tensor Call(Tensor x) => Ops.Multiply(Tensor.Scalar(0.5f), Ops.Sum(x));
    }

    [Fact]
    public void UserRegularizersJoinTheLoss()
    {
        var x = GradCheck.Random(1, -1, 1, 8, 3);
        var y = GradCheck.Random(2, -1, 1, 8, 2);
        Assert.Equal(Regression(null).Evaluate(x, y, verbose: 0).Loss + 3, Regression(new HalfSum()).Evaluate(x, y, verbose: 0).Loss, 5);
    }
}
