namespace SharpKeras.Distribution;

/// <summary>
/// Data parallelism (<c>keras.distribution.DataParallel</c>): every process holds the whole model,
/// takes its shard of each global batch, and the gradients are averaged across processes before
/// every process applies the same update, so the weights stay identical everywhere. Rank 0 alone
/// prints progress and writes checkpoints and CSV logs; logs and metrics are the global ones.
/// </summary>
public sealed class DataParallel : Distribution
{
    private readonly ICommunicator _communicator;

    /// <summary>
    /// Data parallelism over <paramref name="deviceMesh"/> (one axis, "batch") or <paramref name="devices"/>
    /// (default: every process of the job, <see cref="Distribution.ListDevices(string?)"/>), exchanging
    /// gradients through <paramref name="communicator"/> (default: the one given to <see cref="Distribution.Initialize"/>).
    /// </summary>
    public DataParallel(DeviceMesh? deviceMesh = null, IReadOnlyList<string>? devices = null, bool autoShardDataset = true, ICommunicator? communicator = null)
        : base(MeshFor(deviceMesh, devices, communicator ?? JobCommunicator), deviceMesh?.AxisNames[0] ?? "batch", autoShardDataset)
    {
        if (!autoShardDataset)
        {
            throw new ArgumentException("DataParallel(autoShardDataset: false) is not supported: SharpKeras trains on arrays that every process holds whole, and each process takes its shard of every global batch.", nameof(autoShardDataset));
        }
        _communicator = communicator ?? JobCommunicator;
    }

    /// <inheritdoc/>
    public override ICommunicator Communicator => _communicator;

    private static DeviceMesh MeshFor(DeviceMesh? deviceMesh, IReadOnlyList<string>? devices, ICommunicator communicator)
    {
        if (deviceMesh is not null && devices is not null)
        {
            throw new ArgumentException("DataParallel takes a deviceMesh or a list of devices, not both.", nameof(devices));
        }
        var mesh = deviceMesh ?? new DeviceMesh([devices?.Count ?? communicator.Size], ["batch"], devices ?? ListDevices(communicator));
        if (mesh.Shape.Count != 1)
        {
            throw new ArgumentException($"DataParallel needs a one-axis device mesh (the batch axis); got shape [{string.Join(", ", mesh.Shape)}].", nameof(deviceMesh));
        }
        if (mesh.Devices.Count != communicator.Size)
        {
            throw new ArgumentException($"DataParallel over {mesh.Devices.Count} devices ({string.Join(", ", mesh.Devices)}) but the job has {communicator.Size} process(es); SharpKeras places one replica per process, so launch one process per device (mpirun -np {mesh.Devices.Count}).", deviceMesh is null ? nameof(devices) : nameof(deviceMesh));
        }
        return mesh;
    }
}
