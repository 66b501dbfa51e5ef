using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Recurrent;

/// <summary>Keras-written recurrent models (weights, inputs, outputs in ../shared/keras-refs) give Keras's predictions: this pins gate orders and weight layouts.</summary>
public class RecurrentKerasParityTests
{
    private static void AssertClose(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var a = actual.ToArray();
        var e = expected.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - e[i]) <= 1e-5 + 1e-5 * Math.Abs(e[i]), $"output {i}: {a[i]} versus Keras {e[i]}");
        }
    }

    private static void Load(Model model, string file, params string[] paths) =>
        model.SetWeights([.. paths.Select(p => KerasRefs.ReadWeight(file, p))]);

    [KerasRefsFact]
    public void EmbeddingLstmGruMatchesKeras()
    {
        var model = new Sequential([new Embedding(100, 16), new LSTM(32, returnSequences: true), new GRU(16), new Dense(3)]);
        var x = NumpyFile.Load(KerasRefs.File("lstm_gru_input.npy"));
        model.EnsureBuilt(x.Shape);
        Assert.Equal(10_323, model.CountParams());
        Load(model, "lstm_gru.weights.h5", "layers/embedding/vars/0",
            "layers/lstm/cell/vars/0", "layers/lstm/cell/vars/1", "layers/lstm/cell/vars/2",
            "layers/gru/cell/vars/0", "layers/gru/cell/vars/1", "layers/gru/cell/vars/2",
            "layers/dense/vars/0", "layers/dense/vars/1");
        AssertClose(model.Predict(x, verbose: 0), NumpyFile.Load(KerasRefs.File("lstm_gru_output.npy")));
    }

    [KerasRefsFact]
    public void SimpleRnnBidirectionalLstmMatchesKeras()
    {
        var model = new Sequential([new SimpleRNN(12, returnSequences: true), new Bidirectional(new LSTM(8)), new Dense(2)]);
        var x = NumpyFile.Load(KerasRefs.File("simplernn_bilstm_input.npy"));
        model.EnsureBuilt(x.Shape);
        Assert.Equal(1_606, model.CountParams());
        Load(model, "simplernn_bilstm.weights.h5",
            "layers/simple_rnn/cell/vars/0", "layers/simple_rnn/cell/vars/1", "layers/simple_rnn/cell/vars/2",
            "layers/bidirectional/forward_layer/cell/vars/0", "layers/bidirectional/forward_layer/cell/vars/1", "layers/bidirectional/forward_layer/cell/vars/2",
            "layers/bidirectional/backward_layer/cell/vars/0", "layers/bidirectional/backward_layer/cell/vars/1", "layers/bidirectional/backward_layer/cell/vars/2",
            "layers/dense/vars/0", "layers/dense/vars/1");
        AssertClose(model.Predict(x, verbose: 0), NumpyFile.Load(KerasRefs.File("simplernn_bilstm_output.npy")));
    }

    [Fact]
    public void ParameterCountsMatchKeras()
    {
        var lstm = new LSTM(128);
        lstm.EnsureBuilt(new Shape(-1, 40, 60));
        Assert.Equal(96_768, lstm.CountParams());
        var gru = new GRU(128);
        gru.EnsureBuilt(new Shape(-1, 40, 60));
        Assert.Equal(72_960, gru.CountParams());
        Assert.Equal(new Shape(2, 384), gru.Cell.Weights[2].Shape);
        var gruBefore = new GRU(128, resetAfter: false);
        gruBefore.EnsureBuilt(new Shape(-1, 40, 60));
        Assert.Equal(72_576, gruBefore.CountParams());
        var rnn = new SimpleRNN(128);
        rnn.EnsureBuilt(new Shape(-1, 40, 60));
        Assert.Equal(60 * 128 + 128 * 128 + 128, rnn.CountParams());
        Assert.Equal(["kernel", "recurrent_kernel", "bias"], lstm.Weights.Select(w => w.Name));
    }

    [Fact]
    public void ExampleModelsHaveKerasShapesAndParameterCounts()
    {
        var hierarchical = new Sequential([new TimeDistributed(new LSTM(128)), new LSTM(128), new Dense(10, activation: "softmax")]);
        hierarchical.EnsureBuilt(new Shape(-1, 28, 28, 1));
        Assert.Equal([66_560, 131_584, 1_290], hierarchical.Layers.Select(l => l.CountParams()));
        Assert.Equal(new Shape(-1, 28, 128), hierarchical.Layers[0].ComputeOutputShape(new Shape(-1, 28, 28, 1)));
        var text = new Sequential([new Embedding(200, 32, maskZero: true), new Bidirectional(new LSTM(64)), new Dense(1, activation: "sigmoid")]);
        text.EnsureBuilt(new Shape(-1, 40));
        Assert.Equal([6_400, 49_664, 129], text.Layers.Select(l => l.CountParams()));
        Assert.Equal(new Shape(-1, 128), text.Layers[1].ComputeOutputShape(new Shape(-1, 40, 32)));
        Assert.Equal(new Shape(-1, 40, 32), text.Layers[0].ComputeOutputShape(new Shape(-1, 40)));
    }
}
