using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SharpKeras.Distribution.Mpi;

/// <summary>
/// The job's processes as MPI's MPI_COMM_WORLD (OpenMPI, launched by <c>mpirun</c>), behind
/// <see cref="ICommunicator"/>. Every collective is started non-blocking and polled against a
/// timeout, so a process whose peer died or hangs stops with a <see cref="DistributionException"/>
/// instead of waiting forever; when mpirun stops the job because a process died, the survivors say
/// so on standard error before they exit.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    /// <summary>The timeout when neither <see cref="Initialize"/> nor SHARPKERAS_MPI_TIMEOUT_S gives one.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    private static readonly Lock s_gate = new();
    private static MpiCommunicator? s_instance;

    private readonly long _timeoutTicks;
    private readonly PosixSignalRegistration? _sigterm;
    private volatile bool _broken;
    private volatile string? _waitingIn;
    private long _waitingSince;

    private MpiCommunicator(int rank, int size, TimeSpan timeout)
    {
        Rank = rank;
        Size = size;
        Timeout = timeout;
        _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        // mpirun ends the whole job with SIGTERM when one of its processes dies; say why before .NET exits.
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Finish();
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>How long a collective may wait for the other processes before this one gives up.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether this process was started by OpenMPI's mpirun (it sets OMPI_COMM_WORLD_SIZE).</summary>
    public static bool IsLaunchedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>
    /// Starts MPI in this process (once; later calls return the same communicator) and makes it the
    /// job's communicator (<see cref="Distribution.Initialize"/>), the counterpart of Keras's
    /// <c>keras.distribution.initialize()</c>. <paramref name="timeout"/> bounds every collective
    /// (default: SHARPKERAS_MPI_TIMEOUT_S seconds, else <see cref="DefaultTimeout"/>); it must exceed the
    /// longest time one process may spend between two collectives that another does not (a checkpoint
    /// rank 0 writes, a slow first step). MPI is finalized when the process exits.
    /// </summary>
    public static MpiCommunicator Initialize(TimeSpan? timeout = null)
    {
        lock (s_gate)
        {
            if (s_instance is not null)
            {
                return s_instance;
            }
            var limit = timeout ?? TimeoutFromEnvironment();
            if (limit <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), limit, $"The MPI collective timeout must be positive, got {limit.TotalSeconds} s.");
            }
            int flag, provided, rank, size;
            Check(OpenMpi.MPI_Initialized(&flag), "MPI_Initialized");
            if (flag == 0)
            {
                Check(OpenMpi.MPI_Init_thread(null, null, OpenMpi.ThreadSerialized, &provided), "MPI_Init_thread");
                if (provided < OpenMpi.ThreadSerialized)
                {
                    throw new DistributionException($"OpenMPI provides thread level {provided}; SharpKeras needs MPI_THREAD_SERIALIZED ({OpenMpi.ThreadSerialized}) because Fit may run on another thread than the one that started MPI.");
                }
            }
            Check(OpenMpi.MPI_Comm_rank(OpenMpi.CommWorld, &rank), "MPI_Comm_rank");
            Check(OpenMpi.MPI_Comm_size(OpenMpi.CommWorld, &size), "MPI_Comm_size");
            s_instance = new MpiCommunicator(rank, size, limit);
            Distribution.Initialize(s_instance);
            return s_instance;
        }
    }

    private static TimeSpan TimeoutFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("SHARPKERAS_MPI_TIMEOUT_S");
        if (text is null)
        {
            return DefaultTimeout;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : throw new ArgumentException($"SHARPKERAS_MPI_TIMEOUT_S must be a positive number of seconds, got '{text}'.");
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<float> values)
    {
        fixed (float* p = values)
        {
            nint request;
            Check(OpenMpi.MPI_Iallreduce(OpenMpi.InPlace, p, values.Length, OpenMpi.Float, OpenMpi.Sum, OpenMpi.CommWorld, &request), "MPI_Iallreduce");
            Wait(&request, "allreduce", values.Length);
        }
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<double> values)
    {
        fixed (double* p = values)
        {
            nint request;
            Check(OpenMpi.MPI_Iallreduce(OpenMpi.InPlace, p, values.Length, OpenMpi.Double, OpenMpi.Sum, OpenMpi.CommWorld, &request), "MPI_Iallreduce");
            Wait(&request, "allreduce", values.Length);
        }
    }

    /// <inheritdoc/>
    public void Broadcast(Span<float> values, int root)
    {
        if ((uint)root >= (uint)Size)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root, $"Broadcast root must be a rank in [0, {Size}), got {root}.");
        }
        fixed (float* p = values)
        {
            nint request;
            Check(OpenMpi.MPI_Ibcast(p, values.Length, OpenMpi.Float, root, OpenMpi.CommWorld, &request), "MPI_Ibcast");
            Wait(&request, "broadcast", values.Length);
        }
    }

    /// <inheritdoc/>
    public void AllGather(ReadOnlySpan<float> send, Span<float> receive)
    {
        if (receive.Length != (long)send.Length * Size)
        {
            throw new ArgumentException($"AllGather of {send.Length} values from each of {Size} processes needs a receive span of {(long)send.Length * Size}, got {receive.Length}.", nameof(receive));
        }
        fixed (float* s = send)
        fixed (float* r = receive)
        {
            nint request;
            Check(OpenMpi.MPI_Iallgather(s, send.Length, OpenMpi.Float, r, send.Length, OpenMpi.Float, OpenMpi.CommWorld, &request), "MPI_Iallgather");
            Wait(&request, "allgather", send.Length);
        }
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        nint request;
        Check(OpenMpi.MPI_Ibarrier(OpenMpi.CommWorld, &request), "MPI_Ibarrier");
        Wait(&request, "barrier", 0);
    }

    /// <summary>Ends the whole job at once (MPI_Abort): mpirun stops every process with <paramref name="errorCode"/>.</summary>
    public void Abort(int errorCode)
    {
        _broken = true;
        OpenMpi.MPI_Abort(OpenMpi.CommWorld, errorCode);
    }

    private void Wait(nint* request, string what, int count)
    {
        if (_broken)
        {
            throw new DistributionException($"SharpKeras MPI rank {Rank} of {Size}: an earlier collective failed, so this {what} cannot run; the job must be restarted.");
        }
        long start = Stopwatch.GetTimestamp();
        _waitingSince = start;
        _waitingIn = what;
        try
        {
            for (int polls = 0; ; polls++)
            {
                int done;
                Check(OpenMpi.MPI_Test(request, &done, null), "MPI_Test");
                if (done != 0)
                {
                    return;
                }
                // Polling (MPI_Test drives the progress engine) rather than a blocking call, so the wait has an end.
                if ((polls & 63) == 63)
                {
                    if (Stopwatch.GetTimestamp() - start > _timeoutTicks)
                    {
                        _broken = true;
                        throw new DistributionException(
                            $"SharpKeras MPI rank {Rank} of {Size}: {what} of {count} values did not complete within {Timeout.TotalSeconds:0.#} s, " +
                            "so another process of the job died or hangs. Training stops here; restart the job (mpirun) from the last checkpoint. " +
                            "The limit is MpiCommunicator.Initialize(timeout) or SHARPKERAS_MPI_TIMEOUT_S.");
                    }
                    Thread.Yield();
                }
            }
        }
        finally
        {
            _waitingIn = null;
        }
    }

    private void OnSigterm(PosixSignalContext context)
    {
        _broken = true;
        string doing = _waitingIn is { } what
            ? $"while waiting {Stopwatch.GetElapsedTime(_waitingSince).TotalSeconds:0.0} s in {what} for the other processes"
            : "between collectives";
        Console.Error.WriteLine($"SharpKeras MPI rank {Rank} of {Size}: stopped by the launcher (SIGTERM) {doing}; another process of the job most likely died (see mpirun's message). Restart the job from the last checkpoint.");
        Console.Error.Flush();
    }

    private void Finish()
    {
        _sigterm?.Dispose();
        int finalized;
        // After a failed or interrupted collective MPI_Finalize could wait for the dead peer; mpirun cleans up instead.
        if (!_broken && OpenMpi.MPI_Finalized(&finalized) == 0 && finalized == 0)
        {
            OpenMpi.MPI_Finalize();
        }
    }

    private static void Check(int code, string call)
    {
        if (code != 0)
        {
            throw new DistributionException($"{call} failed with MPI error code {code}.");
        }
    }
}
