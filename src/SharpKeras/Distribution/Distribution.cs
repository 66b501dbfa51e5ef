namespace SharpKeras.Distribution;

/// <summary>
/// Base of distribution strategies (<c>keras.distribution.Distribution</c>) and home of Keras's
/// module functions: <see cref="SetDistribution"/>, <see cref="GetDistribution"/> (Keras's
/// <c>distribution()</c>), <see cref="ListDevices(string?)"/>, <see cref="Initialize"/>. While a distribution
/// is set (globally, or for the calling thread with <see cref="Scope"/>), Fit, Evaluate and Predict
/// split every batch across the processes of the job.
/// </summary>
public abstract class Distribution
{
    private static Distribution? s_global;
    private static readonly AsyncLocal<Distribution?> s_scoped = new();
    private static ICommunicator s_communicator = SingleProcessCommunicator.Instance;

    /// <summary>Creates a distribution over <paramref name="deviceMesh"/> whose batch axis is <paramref name="batchDimName"/>.</summary>
    protected Distribution(DeviceMesh deviceMesh, string batchDimName, bool autoShardDataset = true)
    {
        ArgumentNullException.ThrowIfNull(deviceMesh);
        ArgumentNullException.ThrowIfNull(batchDimName);
        if (!deviceMesh.AxisNames.Contains(batchDimName))
        {
            throw new ArgumentException($"batchDimName '{batchDimName}' is not an axis of the device mesh (axes: {string.Join(", ", deviceMesh.AxisNames)}).", nameof(batchDimName));
        }
        DeviceMesh = deviceMesh;
        BatchDimName = batchDimName;
        AutoShardDataset = autoShardDataset;
    }

    /// <summary>The devices the distribution spans (Keras's <c>device_mesh</c>).</summary>
    public DeviceMesh DeviceMesh { get; }

    /// <summary>The mesh axis the batch is split along (Keras's <c>batch_dim_name</c>).</summary>
    public string BatchDimName { get; }

    /// <summary>Whether each process takes its own shard of every global batch (Keras's <c>auto_shard_dataset</c>); SharpKeras always shards arrays, so false is refused.</summary>
    public bool AutoShardDataset { get; }

    /// <summary>The collectives the training loop calls between the processes of this distribution.</summary>
    public abstract ICommunicator Communicator { get; }

    /// <summary>
    /// Sets the distribution every later Fit, Evaluate and Predict uses, in every thread (Keras's
    /// <c>keras.distribution.set_distribution</c>); null goes back to single-process training.
    /// </summary>
    public static void SetDistribution(Distribution? value) => s_global = value;

    /// <summary>The distribution in effect for the calling thread: its <see cref="Scope"/>'s, else the global one, else null (Keras's <c>keras.distribution.distribution()</c>).</summary>
    public static Distribution? GetDistribution() => s_scoped.Value ?? s_global;

    /// <summary>
    /// Makes this distribution the one in effect for the calling thread (and the tasks it starts) until
    /// the returned scope is disposed (Keras's <c>with distribution.scope():</c>).
    /// </summary>
    public IDisposable Scope()
    {
        var previous = s_scoped.Value;
        s_scoped.Value = this;
        return new ScopeExit(previous);
    }

    /// <summary>
    /// Joins this process to a multi-process job (Keras's <c>keras.distribution.initialize</c>): later
    /// <see cref="DataParallel"/> instances and <see cref="ListDevices(string?)"/> use <paramref name="communicator"/>.
    /// Launchers' packages call it for you (for MPI: <c>SharpKeras.Distribution.Mpi.MpiCommunicator.Initialize()</c>).
    /// </summary>
    public static void Initialize(ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        if (communicator.Size < 1 || communicator.Rank < 0 || communicator.Rank >= communicator.Size)
        {
            throw new ArgumentException($"Communicator reports rank {communicator.Rank} of {communicator.Size}; the rank must be in [0, size) and the size >= 1.", nameof(communicator));
        }
        s_communicator = communicator;
    }

    /// <summary>The job's communicator: the one given to <see cref="Initialize"/>, else <see cref="SingleProcessCommunicator.Instance"/>.</summary>
    public static ICommunicator JobCommunicator => s_communicator;

    /// <summary>
    /// The devices of the job (Keras's <c>keras.distribution.list_devices</c>): one CPU per process,
    /// "cpu:0" to "cpu:&lt;size - 1&gt;". <paramref name="deviceType"/> may be null or "cpu".
    /// </summary>
    public static IReadOnlyList<string> ListDevices(string? deviceType = null) => ListDevices(s_communicator, deviceType);

    /// <summary>The devices of the job behind <paramref name="communicator"/>, as <see cref="ListDevices(string?)"/>.</summary>
    public static IReadOnlyList<string> ListDevices(ICommunicator communicator, string? deviceType = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        if (deviceType is not null && !deviceType.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"SharpKeras distributes over CPU processes only; deviceType must be null or \"cpu\", got \"{deviceType}\".", nameof(deviceType));
        }
        return [.. Enumerable.Range(0, communicator.Size).Select(r => $"cpu:{r}")];
    }

    private sealed class ScopeExit(Distribution? previous) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (!_done)
            {
                s_scoped.Value = previous;
                _done = true;
            }
        }
    }
}
