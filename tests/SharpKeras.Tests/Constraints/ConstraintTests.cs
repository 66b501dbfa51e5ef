using System.Text.Json.Nodes;
using SharpKeras.Constraints;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Constraints;

/// <summary>Keras's weight constraints: projections against hand-computed values, configs, and their place after each update.</summary>
public sealed class ConstraintTests
{
    // Column 0 has norm 5, column 1 norm sqrt(0.5).
    private static Tensor W() => Tensor.FromArray([3f, 0.5f, 4f, 0.5f], 2, 2);

    private const double Eps = 1e-7;

    [Fact]
    public void MaxNormRescalesOnlyLongColumns()
    {
        var r = new MaxNorm(2).Call(W()).ToArray();
        double keep = Math.Sqrt(0.5) / (Eps + Math.Sqrt(0.5));
        Assert.Equal([3 * 2 / (5 + Eps), 0.5 * keep, 4 * 2 / (5 + Eps), 0.5 * keep], r.Select(v => (double)v), new Tolerance(1e-6));
        // Over axis 1 (rows): [3, 0.5] has norm 3.041, [4, 0.5] 4.031, both cut to 2.
        var rows = new MaxNorm(2, axis: 1).Call(W()).ToArray();
        double n0 = Math.Sqrt(9.25), n1 = Math.Sqrt(16.25);
        Assert.Equal([3 * 2 / n0, 0.5 * 2 / n0, 4 * 2 / n1, 0.5 * 2 / n1], rows.Select(v => (double)v), new Tolerance(1e-6));
    }

    [Fact]
    public void UnitNormAndMinMaxNormAndNonNegMatchHandValues()
    {
        double s = Math.Sqrt(0.5);
        Assert.Equal([0.6, 0.5 / s, 0.8, 0.5 / s], new UnitNorm().Call(W()).ToArray().Select(v => (double)v), new Tolerance(1e-6));
        // rate 0.5 into [1, 2]: column 0 goes to 0.5 * 2 + 0.5 * 5 = 3.5, column 1 to 0.5 * 1 + 0.5 * sqrt(0.5).
        double c1 = (0.5 + 0.5 * s) / s;
        Assert.Equal([3 * 0.7, 0.5 * c1, 4 * 0.7, 0.5 * c1], new MinMaxNorm(1, 2, 0.5).Call(W()).ToArray().Select(v => (double)v), new Tolerance(1e-6));
        Assert.Equal([0f, 2f, 0f, 0.5f], new NonNeg().Call(Tensor.FromArray([-1f, 2f, -0f, 0.5f], 4)).ToArray());
    }

    [Fact]
    public void SeveralAxesNormTogether()
    {
        // A (2, 2, 2) kernel constrained over axes [0, 1]: one norm per last-axis slice, as Keras suggests for conv kernels.
        var w = Tensor.FromArray([1f, 2f, 1f, 2f, 1f, 2f, 1f, 2f], 2, 2, 2);
        var r = new UnitNorm([0, 1]).Call(w).ToArray();
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], r.Select(v => (double)v), new Tolerance(1e-6));
        var v = new Variable("kernel", w);
        new MaxNorm(1.0, [0, -2]).ApplyTo(v);
        Assert.Equal(r.Select(x => (double)x), v.Value.ToArray().Select(x => (double)x), new Tolerance(1e-6));
        Assert.Contains("axis 3 is out of range", Assert.Throws<ArgumentException>(() => new UnitNorm(3).Call(w)).Message);
    }

    public static TheoryData<string> All => ["max_norm", "min_max_norm", "non_neg", "unit_norm", "max_norm_axes"];

    private static Constraint Make(string kind) => kind switch
    {
        "max_norm" => new MaxNorm(1.5, axis: 1),
        "min_max_norm" => new MinMaxNorm(0.2, 0.9, 0.5, 1),
        "non_neg" => new NonNeg(),
        "unit_norm" => new UnitNorm(0),
        _ => new MaxNorm(3, [0, 1, 2]),
    };

    [Theory]
    [MemberData(nameof(All))]
    public void ConfigRoundTrips(string kind)
    {
        var c = Make(kind);
        var node = KerasSerializer.Serialize(c)!;
        Assert.Equal("keras.constraints", (string?)node["module"]);
        var back = KerasSerializer.Constraint(JsonNode.Parse(node.ToJsonString()))!;
        Assert.IsType(c.GetType(), back);
        Assert.Equal(c.GetConfig().ToJsonString(), back.GetConfig().ToJsonString());
    }

    [Fact]
    public void ConfigKeysAndIdentifiersAreKeras()
    {
        Assert.Equal("""{"max_value":2,"axis":0}""", new MaxNorm().GetConfig().ToJsonString());
        Assert.Equal("""{"min_value":0,"max_value":1,"rate":1,"axis":0}""", new MinMaxNorm().GetConfig().ToJsonString());
        Assert.Equal("""{"axis":[0,1,2]}""", new UnitNorm([0, 1, 2]).GetConfig().ToJsonString());
        Assert.Equal("{}", new NonNeg().GetConfig().ToJsonString());
        var keras = JsonNode.Parse("""{"module": "keras.constraints", "class_name": "MaxNorm", "config": {"max_value": 3, "axis": [0, 1, 2]}, "registered_name": null}""");
        var read = Assert.IsType<MaxNorm>(KerasSerializer.Constraint(keras));
        Assert.Equal(3.0, read.MaxValue);
        Assert.Equal([0, 1, 2], read.Axis);
        Assert.IsType<MaxNorm>(Constraint.Get("max_norm"));
        Assert.IsType<MinMaxNorm>((Constraint)"min_max_norm");
        Assert.IsType<NonNeg>(Constraint.Get("non_neg"));
        Assert.IsType<UnitNorm>(Constraint.Get("UnitNorm"));
        Assert.Contains("'max'", Assert.Throws<ArgumentException>(() => Constraint.Get("max")).Message);
    }

    [Fact]
    public void ConstraintsHoldAfterEveryUpdate()
    {
        Config.SetRandomSeed(5);
        var model = new Sequential([Keras.Input([4]), new Dense(3, kernelConstraint: new MaxNorm(0.1), biasConstraint: "non_neg")]);
        model.Compile(new SGD(0.5), "mse");
        var x = GradCheck.Random(1, -1, 1, 32, 4);
        var y = GradCheck.Random(2, -3, -1, 32, 3);
        var observed = new List<(float[] Kernel, float[] Bias)>();
        var recorder = new SharpKeras.Callbacks.LambdaCallback(onTrainBatchEnd: (_, _) =>
            observed.Add((model.Layers[0].Weights[0].Value.ToArray(), model.Layers[0].Weights[1].Value.ToArray())));
        model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, callbacks: [recorder]);
        Assert.Equal(8, observed.Count);
        foreach (var (kernel, bias) in observed)
        {
            for (int j = 0; j < 3; j++)
            {
                double norm = Math.Sqrt(Enumerable.Range(0, 4).Sum(i => (double)kernel[i * 3 + j] * kernel[i * 3 + j]));
                Assert.True(norm <= 0.1 + 1e-6, $"column {j} norm {norm}");
            }
            // The targets are negative, so the bias is pushed below zero every step and clamped back.
            Assert.All(bias, b => Assert.Equal(0f, b));
        }
    }

    private sealed class Halve : Constraint
    {
        public override Tensor Call(Tensor w) => Ops.Multiply(w, Tensor.Scalar(0.5f));
    }

    [Fact]
    public void UserConstraintsProjectThroughCall()
    {
        var v = new Variable("w", Tensor.FromArray([2f, -4f], 2));
        new Halve().ApplyTo(v);
        Assert.Equal([1f, -2f], v.Value.ToArray());
    }
}

/// <summary>Element-wise absolute tolerance for comparing sequences of doubles.</summary>
internal sealed class Tolerance(double atol) : IEqualityComparer<double>
{
    public bool Equals(double a, double b) => Math.Abs(a - b) <= atol;

    public int GetHashCode(double obj) => 0;
}
