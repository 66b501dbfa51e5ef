using SharpKeras.Callbacks;
using SharpKeras.Training;

namespace SharpKeras.Models;

/// <summary>Fit, Evaluate and Predict with one array per model input and per output (Keras's lists of arrays).</summary>
public partial class Model
{
    /// <summary>
    /// Trains a model with several inputs and/or outputs (Keras's <c>fit([x1, x2], [y1, y2])</c>):
    /// one array per input and one target per output, in order; the loss is the weighted sum of the per-output losses.
    /// </summary>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int epochs = 1, int verbose = 1,
        bool shuffle = true, int? seed = null, IEnumerable<Callback>? callbacks = null)
        => MultiTrainingLoop.Fit(this, x, y, batchSize ?? 32, epochs, verbose, shuffle, seed, callbacks);

    /// <summary>Loss (total and per output) and metrics for several inputs and outputs (Keras's <c>evaluate([x1, x2], [y1, y2])</c>).</summary>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int verbose = 1)
        => MultiTrainingLoop.Evaluate(this, x, y, batchSize ?? 32, verbose);

    /// <summary>Outputs (one array per model output) for one array per model input (Keras's <c>predict([x1, x2])</c>).</summary>
    public Tensor[] PredictOutputs(IReadOnlyList<Tensor> x, int? batchSize = null, int verbose = 1)
        => MultiTrainingLoop.Predict(this, x, batchSize ?? 32, verbose);
}
