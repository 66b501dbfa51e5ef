namespace SharpKeras.Distribution;

/// <summary>
/// The collective operations data-parallel training needs between the processes of a job (the role
/// of JAX's multi-process runtime under Keras's <c>keras.distribution</c>): sums across every
/// process, a broadcast from one, a gather to all, a barrier. Every process of the job must make
/// the same calls in the same order with the same lengths.
/// </summary>
public interface ICommunicator
{
    /// <summary>This process's index in the job, 0 to <see cref="Size"/> - 1 (rank 0 prints and writes files).</summary>
    int Rank { get; }

    /// <summary>The number of processes in the job.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every process by the element-wise sum over all processes; every process gets the same bits.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every process by the element-wise sum over all processes, in double precision.</summary>
    void AllReduceSum(Span<double> values);

    /// <summary>Copies <paramref name="values"/> of process <paramref name="root"/> into the same span of every other process.</summary>
    void Broadcast(Span<float> values, int root);

    /// <summary>Concatenates every process's <paramref name="send"/> (all of one length) in rank order into <paramref name="receive"/> (Size times as long).</summary>
    void AllGather(ReadOnlySpan<float> send, Span<float> receive);

    /// <summary>Returns once every process has called it.</summary>
    void Barrier();
}
