namespace SharpKeras.Distribution;

/// <summary>
/// A logical grid of devices with named axes (<c>keras.distribution.DeviceMesh</c>). SharpKeras's
/// devices are the processes of the job, one CPU each, named "cpu:&lt;rank&gt;"; data parallelism
/// uses a one-axis mesh whose axis is the batch axis.
/// </summary>
public sealed class DeviceMesh
{
    /// <summary>Creates a mesh of <paramref name="shape"/> over <paramref name="devices"/> (as many as the shape's product) with one name per axis.</summary>
    public DeviceMesh(IReadOnlyList<int> shape, IReadOnlyList<string> axisNames, IReadOnlyList<string>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(axisNames);
        if (shape.Count == 0 || shape.Any(d => d < 1))
        {
            throw new ArgumentException($"DeviceMesh shape must have at least one axis and positive sizes, got [{string.Join(", ", shape)}].", nameof(shape));
        }
        if (axisNames.Count != shape.Count)
        {
            throw new ArgumentException($"DeviceMesh needs one axis name per axis of shape [{string.Join(", ", shape)}]; got {axisNames.Count} names ({string.Join(", ", axisNames)}).", nameof(axisNames));
        }
        devices ??= Distribution.ListDevices();
        int product = shape.Aggregate(1, (a, b) => a * b);
        if (devices.Count != product)
        {
            throw new ArgumentException($"DeviceMesh shape [{string.Join(", ", shape)}] holds {product} devices but {devices.Count} were given ({string.Join(", ", devices)}).", nameof(devices));
        }
        Shape = [.. shape];
        AxisNames = [.. axisNames];
        Devices = [.. devices];
    }

    /// <summary>The size of each axis.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The name of each axis (for data parallelism, "batch").</summary>
    public IReadOnlyList<string> AxisNames { get; }

    /// <summary>The devices in row-major order of the mesh.</summary>
    public IReadOnlyList<string> Devices { get; }
}
