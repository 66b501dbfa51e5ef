namespace SharpKeras.Training;

/// <summary>Thrown when a training loss becomes NaN or infinite; says at which epoch and batch.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for a loss value seen at (epoch, batch), both counting from 1.</summary>
    public NonFiniteLossException(double loss, int epoch, int batch)
        : base($"Loss became {loss} at epoch {epoch}, batch {batch}; training stopped. " +
               "Check the inputs for NaN or infinite values, scale them (for example x / 255.0), or lower the learning rate.")
    {
        Loss = loss;
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>The non-finite loss value.</summary>
    public double Loss { get; }

    /// <summary>The epoch (from 1) where it appeared.</summary>
    public int Epoch { get; }

    /// <summary>The batch within that epoch (from 1).</summary>
    public int Batch { get; }
}
