using SharpKeras.Saving;
using System.Numerics;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum (<c>keras.optimizers.SGD</c>, lr 0.01).</summary>
public sealed class SGD : Optimizer, IKerasSerializable<SGD>
{
    /// <summary>SGD with Keras 3 defaults: learning rate 0.01, no momentum.</summary>
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false) : base("sgd", learningRate)
    {
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"SGD momentum must be in [0, 1], got {momentum}.");
        }
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor (0 disables the velocity slot).</summary>
    public double Momentum { get; }

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["momentum"] = Momentum;
        c["nesterov"] = Nesterov;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => Momentum != 0 ? 1 : 0;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        int i = 0, width = Vector<float>.Count;
        var vlr = new Vector<float>(lr);
        if (Momentum == 0)
        {
            for (; i <= w.Length - width; i += width)
            {
                (new Vector<float>(w[i..]) - vlr * new Vector<float>(g[i..])).CopyTo(w[i..]);
            }
            for (; i < w.Length; i++)
            {
                w[i] -= lr * g[i];
            }
            return;
        }
        float mu = F32(Momentum);
        var vmu = new Vector<float>(mu);
        var m = slots[0].Span;
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var mi = vmu * new Vector<float>(m[i..]) - vlr * gi;
            mi.CopyTo(m[i..]);
            (new Vector<float>(w[i..]) + (Nesterov ? vmu * mi - vlr * gi : mi)).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            m[i] = mu * m[i] - lr * g[i];
            w[i] += Nesterov ? mu * m[i] - lr * g[i] : m[i];
        }
    }

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static SGD FromConfig(JsonObject config) =>
        Checked(config, new SGD(Cfg.Double(config, "learning_rate", 0.01), Cfg.Double(config, "momentum", 0.0), Cfg.Bool(config, "nesterov", false)));
}
