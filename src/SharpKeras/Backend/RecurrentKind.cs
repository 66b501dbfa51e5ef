namespace SharpKeras.Backend;

/// <summary>The recurrent cell a recurrent kernel runs (Keras's SimpleRNN, LSTM and GRU cells).</summary>
internal enum RecurrentKind
{
    /// <summary>h = act(x W + h U + b).</summary>
    SimpleRnn,

    /// <summary>Keras's LSTM, gates i, f, c, o.</summary>
    Lstm,

    /// <summary>Keras's GRU with reset_after=True, gates z, r, h.</summary>
    Gru,
}
