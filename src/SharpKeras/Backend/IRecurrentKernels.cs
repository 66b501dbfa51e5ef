namespace SharpKeras.Backend;

/// <summary>The recurrent kernel family: whole SimpleRNN / LSTM / GRU layers over a sequence.</summary>
internal interface IRecurrentKernels
{
    /// <summary>
    /// A kernel for one layer shape (batch, time, features, units) that owns every buffer it needs,
    /// allocated once (here, or on the first run that needs it), so that running it again allocates nothing.
    /// </summary>
    IRecurrentKernel CreateRecurrent(RecurrentKind kind, int batch, int time, int features, int units,
        EpilogueActivation activation, EpilogueActivation recurrentActivation, bool goBackwards, bool zeroOutputForMask,
        bool inputDropout, bool recurrentDropout);
}
