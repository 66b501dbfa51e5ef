namespace SharpKeras.Data;

/// <summary>
/// What the training loop reads batches from, whatever the user gave (a PyDataset, an enumerable, an async enumerable):
/// epochs of batches with an optional known count.
/// </summary>
internal interface IBatchSource : IDisposable
{
    /// <summary>Batches per epoch when known (stepsPerEpoch, or the dataset's length); null reads each epoch to the end.</summary>
    int? Steps { get; }

    /// <summary>What the source is, for error messages ("PyDataset 'Seqs'", "the enumerable of batches").</summary>
    string Description { get; }

    /// <summary>Starts an epoch (Keras calls on_epoch_begin and, with shuffling, reorders the batches).</summary>
    void BeginEpoch();

    /// <summary>The next batch of this epoch; false when the source has no more.</summary>
    bool TryNext(CancellationToken cancellationToken, out Batch batch);

    /// <summary>Ends an epoch (Keras's on_epoch_end), dropping batches prepared ahead that were not used.</summary>
    void EndEpoch();
}
