using SharpKeras.Layers;

namespace SharpKeras.Export;

internal sealed partial class OnnxExporter
{
    /// <summary>
    /// A SimpleRNN, LSTM or GRU layer as one ONNX RNN/LSTM/GRU node. ONNX runs time-major (ONNX Runtime's CPU
    /// kernels take layout 0 only), so x goes (batch, time, features) -> (time, batch, features) and back.
    /// <paramref name="reverse"/> runs the sequence from its end; <paramref name="flipSequence"/> then returns the
    /// outputs in processing order, as Keras's go_backwards does (Bidirectional re-reverses them, so it passes false).
    /// </summary>
    private string EmitRecurrent(RNN rnn, OnnxValue x, bool reverse, bool flipSequence)
    {
        if (rnn.ReturnState)
        {
            throw Unsupported(rnn, "return_state (the node has one output; export the model that uses only the sequence or the last output)");
        }
        string saved = _g.Scope;
        _g.Scope = rnn.Name;
        try
        {
            int h = rnn.Units;
            var weights = rnn.Cell.Weights;
            var kernel = weights[0];
            var recurrent = weights[1];
            var bias = weights.Count > 2 ? weights[2] : null;
            var xt = _g.Node("Transpose", [x.Name], ("perm", (int[])[1, 0, 2]));
            string direction = reverse ? "reverse" : "forward";
            string[] outputs = rnn.Cell switch
            {
                SimpleRNNCell c => _g.NodeMulti("RNN", [xt, Gates(kernel, 1, [0]), Gates(recurrent, 1, [0]), .. Bias(bias, h, 1, [0])], 2,
                    ("hidden_size", h), ("direction", direction), ("activations", (string[])[OnnxActivation(c.Activation, rnn)])),
                // Keras's gate blocks i, f, c, o; ONNX's i, o, f, c.
                LSTMCell c => _g.NodeMulti("LSTM", [xt, Gates(kernel, 4, [0, 3, 1, 2]), Gates(recurrent, 4, [0, 3, 1, 2]), .. Bias(bias, h, 4, [0, 3, 1, 2])], 2,
                    ("hidden_size", h), ("direction", direction),
                    ("activations", (string[])[OnnxActivation(c.RecurrentActivation, rnn), OnnxActivation(c.Activation, rnn), OnnxActivation(c.Activation, rnn)])),
                // Keras's z, r, h equals ONNX's order; reset_after=True is ONNX's linear_before_reset=1, and its
                // bias (2, 3*units) is the input bias row then the recurrent bias row, ONNX's Wb then Rb.
                GRUCell c => _g.NodeMulti("GRU", [xt, Gates(kernel, 3, [0, 1, 2]), Gates(recurrent, 3, [0, 1, 2]), .. Bias(bias, h, 3, [0, 1, 2])], 2,
                    ("hidden_size", h), ("direction", direction), ("linear_before_reset", c.ResetAfter ? 1 : 0),
                    ("activations", (string[])[OnnxActivation(c.RecurrentActivation, rnn), OnnxActivation(c.Activation, rnn)])),
                _ => throw Unsupported(rnn, $"its cell {rnn.Cell.GetType().Name} is not SimpleRNNCell, LSTMCell or GRUCell"),
            };
            if (!rnn.ReturnSequences)
            {
                // Y_h (1, batch, units): the last state, after the first step for a reversed run.
                return _g.Node("Squeeze", [outputs[1], _g.Int64("axes", 0)]);
            }
            // Y (time, 1, batch, units), each step at its own time index.
            var y = _g.Node("Squeeze", [outputs[0], _g.Int64("axes", 1)]);
            if (flipSequence)
            {
                y = _g.Node("Slice", [y, _g.Int64("starts", -1), _g.Int64("ends", long.MinValue), _g.Int64("axes", 0), _g.Int64("steps", -1)]);
            }
            return _g.Node("Transpose", [y], ("perm", (int[])[1, 0, 2]));
        }
        finally
        {
            _g.Scope = saved;
        }
    }

    /// <summary>A Keras kernel (input, gates*units) as ONNX's W or R (1, gates*units, input), gate blocks reordered.</summary>
    private string Gates(Variable kernel, int gates, int[] order)
    {
        int rows = kernel.Shape[0], cols = kernel.Shape[1], units = cols / gates;
        var src = kernel.Value.ToArray();
        var w = new float[src.Length];
        for (int g = 0; g < gates; g++)
        {
            int from = order[g] * units;
            for (int u = 0; u < units; u++)
            {
                for (int r = 0; r < rows; r++)
                {
                    w[((g * units) + u) * rows + r] = src[r * cols + from + u];
                }
            }
        }
        return _g.Float(kernel.Name, w, 1, cols, rows);
    }

    /// <summary>ONNX's B (1, 2*gates*units): input bias then recurrent bias, gate blocks reordered; none without a bias.</summary>
    private string[] Bias(Variable? bias, int units, int gates, int[] order)
    {
        if (bias is null)
        {
            return [];
        }
        var src = bias.Value.ToArray();
        int n = gates * units;
        var b = new float[2 * n];
        for (int row = 0; row < src.Length / n; row++)
        {
            for (int g = 0; g < gates; g++)
            {
                Array.Copy(src, row * n + order[g] * units, b, row * n + g * units, units);
            }
        }
        return [_g.Float(bias.Name, b, 1, 2 * n)];
    }

    private static string OnnxActivation(ActivationFunction f, Layer layer) => f.Name switch
    {
        "tanh" => "Tanh",
        "sigmoid" => "Sigmoid",
        "relu" => "Relu",
        _ => throw Unsupported(layer, $"recurrent activation '{f.Name}' (ONNX's recurrent ops take tanh, sigmoid or relu here)"),
    };

    private string EmitBidirectional(Bidirectional bi, OnnxValue x)
    {
        var forward = EmitRecurrent(bi.ForwardLayer, x, reverse: bi.ForwardLayer.GoBackwards, flipSequence: bi.ForwardLayer.GoBackwards);
        // Keras re-reverses the backward layer's sequence into time order, which is where ONNX's reverse run writes it.
        var backward = EmitRecurrent(bi.BackwardLayer, x, reverse: bi.BackwardLayer.GoBackwards, flipSequence: false);
        return bi.MergeMode switch
        {
            "concat" => _g.Node("Concat", [forward, backward], ("axis", -1)),
            "sum" => _g.Node("Add", [forward, backward]),
            "mul" => _g.Node("Mul", [forward, backward]),
            "ave" => _g.Node("Mul", [_g.Node("Add", [forward, backward]), _g.Scalar("half", 0.5f)]),
            _ => throw Unsupported(bi, $"merge_mode {bi.MergeMode ?? "None"} (two outputs)"),
        };
    }
}
