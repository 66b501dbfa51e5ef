using System.Diagnostics;

namespace SharpKeras.Bench;

/// <summary>
/// --profile: where a training step's time goes, layer by layer, the way a line profiler breaks down
/// fit. Built on the public API only (no hook in the library): each layer runs under its own
/// GradientTape, so its forward (Layer.Apply) and its backward (that tape's Gradient) are timed apart.
/// </summary>
public static class Profiler
{
    /// <summary>How the figures are taken, for the report.</summary>
    public const string Method =
        "Each layer's forward is Layer.Apply(training: true) under its own GradientTape that watches the layer's input " +
        "and weights; its backward is that tape's Gradient of the layer's output with respect to them. The tape seeds " +
        "the output gradient with ones rather than the true upstream gradient: the arithmetic (and so the time) is the " +
        "same, the values are not. The loss row is the loss's forward and its gradient with respect to the prediction; " +
        "the optimizer row is ApplyGradients. Medians over the timed steps, after warm-up steps. The whole step is one " +
        "tape over the model, as Fit does it; the difference to the sum of rows is the cost of splitting the tape.";

    /// <summary>Profiles <paramref name="steps"/> training steps of the workload's model on one batch.</summary>
    public static ProfileResult Run(Workload w, BenchData data, int batch, int threads, int steps, int seed)
    {
        Config.Threads = threads;
        Config.SetRandomSeed(seed);
        var model = ModelFactory.Build(w);
        batch = Math.Min(batch, data.Samples);
        var xb = data.X.Slice(0, batch);
        var yb = data.Y.Slice(0, batch);
        model.Apply(xb); // builds every layer's weights
        var layers = model.Layers;
        var forward = layers.Select(_ => new List<double>()).ToArray();
        var backward = layers.Select(_ => new List<double>()).ToArray();
        var lossF = new List<double>();
        var lossB = new List<double>();
        var update = new List<double>();
        var whole = new List<double>();
        const int warmup = 2;
        var clock = new Stopwatch();
        for (int step = 0; step < warmup + steps; step++)
        {
            bool timed = step >= warmup;
            var tapes = new List<GradientTape>();
            var inputs = new List<Tensor>();
            var outputs = new List<Tensor>();
            var gradients = new Dictionary<Variable, Tensor?>();
            try
            {
                Tensor h = xb;
                for (int i = 0; i < layers.Count; i++)
                {
                    var tape = new GradientTape();
                    tapes.Add(tape);
                    tape.Watch(h);
                    foreach (var v in layers[i].TrainableWeights)
                    {
                        tape.Watch(v.Value);
                    }
                    clock.Restart();
                    var o = layers[i].Apply(h, training: true);
                    Add(forward[i], timed, clock);
                    inputs.Add(h);
                    outputs.Add(o);
                    h = o;
                }
                var lossTape = new GradientTape();
                tapes.Add(lossTape);
                lossTape.Watch(h);
                clock.Restart();
                var loss = model.Loss!.Compute(yb, h);
                Add(lossF, timed, clock);
                clock.Restart();
                lossTape.Gradient(loss, [h]);
                Add(lossB, timed, clock);
                for (int i = layers.Count - 1; i >= 0; i--)
                {
                    var weights = layers[i].TrainableWeights;
                    // A layer's input needs a gradient only when a layer before it has weights (Fit's tape
                    // does not compute the others either).
                    bool needInput = layers.Take(i).Any(l => l.TrainableWeights.Count > 0);
                    var sources = (needInput ? new List<Tensor> { inputs[i] } : []).Concat(weights.Select(v => v.Value)).ToList();
                    if (sources.Count == 0)
                    {
                        Add(backward[i], timed, 0);
                        continue;
                    }
                    clock.Restart();
                    var g = tapes[i].Gradient(outputs[i], sources);
                    Add(backward[i], timed, clock);
                    for (int j = 0; j < weights.Count; j++)
                    {
                        gradients[weights[j]] = g[(needInput ? 1 : 0) + j];
                    }
                }
            }
            finally
            {
                for (int i = tapes.Count - 1; i >= 0; i--)
                {
                    tapes[i].Dispose();
                }
            }
            var variables = model.TrainableWeights;
            clock.Restart();
            model.Optimizer!.ApplyGradients([.. variables.Select(v => gradients.GetValueOrDefault(v))], variables);
            Add(update, timed, clock);

            // The same step as Fit runs it: one tape over the whole model.
            clock.Restart();
            using (var tape = new GradientTape())
            {
                foreach (var v in variables)
                {
                    tape.Watch(v.Value);
                }
                var pred = model.Apply(xb, training: true);
                var loss = model.Loss!.Compute(yb, pred);
                var grads = tape.Gradient(loss, [.. variables.Select(v => v.Value)]);
                model.Optimizer!.ApplyGradients(grads, variables);
            }
            Add(whole, timed, clock);
        }
        var rows = new List<(string Name, string Kind, double F, double B)>();
        for (int i = 0; i < layers.Count; i++)
        {
            rows.Add((layers[i].Name, layers[i].GetType().Name, Stats.Median(forward[i])!.Value, Stats.Median(backward[i])!.Value));
        }
        rows.Add(("loss", model.Loss!.Name, Stats.Median(lossF)!.Value, Stats.Median(lossB)!.Value));
        rows.Add(("optimizer", model.Optimizer!.Name + " update", 0, Stats.Median(update)!.Value));
        double total = rows.Sum(r => r.F + r.B);
        return new ProfileResult
        {
            Workload = w.Name, BatchSize = batch, Threads = threads, Steps = steps, Method = Method,
            WholeStepSeconds = Stats.Median(whole)!.Value,
            Rows = [.. rows.Select(r => new ProfileRow(r.Name, r.Kind, r.F, r.B, total > 0 ? (r.F + r.B) / total : 0))],
        };
    }

    private static void Add(List<double> list, bool timed, Stopwatch clock) => Add(list, timed, clock.Elapsed.TotalSeconds);

    private static void Add(List<double> list, bool timed, double seconds)
    {
        if (timed)
        {
            list.Add(seconds);
        }
    }
}
