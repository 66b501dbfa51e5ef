using System.Diagnostics;

namespace SharpKeras.Bench;

/// <summary>
/// --profile: where a training step's time goes, layer by layer, the way a line profiler breaks down
/// fit. The figures come from the library's own <see cref="Models.Model.ProfileTrainStep"/> (the planned,
/// replayed step Fit runs, timed per layer by its op scopes); the whole step is timed through Fit.
/// </summary>
public static class Profiler
{
    /// <summary>How the figures are taken, for the report.</summary>
    public const string Method =
        "Model.ProfileTrainStep: the training step Fit replays, after an untimed warm-up step, with each layer's " +
        "forward ops and their gradients timed apart (the loss and the optimizer update as rows of their own; the " +
        "update is counted as backward). Averages per step. The whole step is Fit over the same number of batches " +
        "(second of two Fit calls, so the step is already planned), divided by the batches.";

    /// <summary>Profiles <paramref name="steps"/> training steps of the workload's model at <paramref name="batch"/>.</summary>
    public static ProfileResult Run(Workload w, BenchData data, int batch, int threads, int steps, int seed)
    {
        Config.Threads = threads;
        Config.SetRandomSeed(seed);
        var model = ModelFactory.Build(w);
        batch = Math.Min(batch, data.Samples);
        var timings = model.ProfileTrainStep(data.X, data.Y, batch, steps);
        var rows = timings.Select(t => (t.Layer, Kind: Kind(model, t.Layer), t.ForwardSeconds, t.BackwardSeconds)).ToList();
        double total = rows.Sum(r => r.ForwardSeconds + r.BackwardSeconds);

        int batches = Math.Max(1, Math.Min(steps, data.Samples / batch));
        var x = data.X.Slice(0, batches * batch);
        var y = data.Y.Slice(0, batches * batch);
        model.Fit(x, y, batch, epochs: 1, verbose: 0, shuffle: false); // plans the step
        var clock = Stopwatch.StartNew();
        model.Fit(x, y, batch, epochs: 1, verbose: 0, shuffle: false);
        double whole = clock.Elapsed.TotalSeconds / batches;

        return new ProfileResult
        {
            Workload = w.Name, BatchSize = batch, Threads = threads, Steps = steps, Method = Method, WholeStepSeconds = whole,
            Rows = [.. rows.Select(r => new ProfileRow(r.Layer, r.Kind, r.ForwardSeconds, r.BackwardSeconds,
                total > 0 ? (r.ForwardSeconds + r.BackwardSeconds) / total : 0))],
        };
    }

    private static string Kind(Models.Model model, string name) => name switch
    {
        "loss" => model.Loss?.Name ?? "loss",
        "optimizer" => (model.Optimizer?.Name ?? "optimizer") + " update",
        _ => model.Layers.FirstOrDefault(l => l.Name == name)?.GetType().Name ?? "",
    };
}
