using System.Runtime.CompilerServices;

namespace SharpKeras.Backend.Cpu;

/// <summary>A piece of work over a contiguous range [start, end), run by <see cref="CpuParallel.For{TBody}"/>.</summary>
internal interface IRangeBody
{
    /// <summary>Does the work for items [start, end).</summary>
    void Run(int start, int end);
}

/// <summary>
/// Splits a range of independent work items over <see cref="Config.Threads"/> threads, with
/// persistent workers built for the small, frequent parallel regions of a training step: a call
/// allocates nothing (the body is a struct passed by pointer), wakes workers that spin briefly
/// before sleeping, and gives chunk i to the same thread every time, so each core keeps
/// re-reading the panels already in its own cache.
/// </summary>
/// <remarks>
/// Measured on the 2-vCPU development machine: Parallel.For with a closure allocates about 1.6 KB
/// per region (GC.GetAllocatedBytesForCurrentThread), this pool nothing; a training step of the
/// Keras mnist_mlp runs a few dozen regions.
/// </remarks>
internal static unsafe class CpuParallel
{
    private static readonly object s_gate = new();
    private static Worker[] s_workers = [];
    [ThreadStatic] private static bool t_inside;
    // Tests only (see OverrideMinWorkPerChunk): a lower threshold on the calling thread, 0 for none.
    [ThreadStatic] private static long t_minWorkOverride;

    // The job being run; written by the caller under s_gate before the workers are released.
    private static delegate*<void*, int, int, void> s_fn;
    private static void* s_state;
    private static int s_count;
    private static int s_chunks;
    private static int s_pending;
    private static Exception? s_error;

    // How long an idle worker busy-waits for the next region before yielding and then sleeping (200 us).
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000;

    /// <summary>
    /// The least work, in element-equivalents, that a chunk must carry before another thread is woken
    /// for it: 128K, i.e. 128K floats through an element-wise pass, or 2M multiply-adds of the packed
    /// GEMM (a multiply-add counts 1/16), about 20-50 us of one core.
    /// </summary>
    /// <remarks>
    /// Waking a worker costs about a microsecond while it spins, tens of microseconds once it sleeps,
    /// and milliseconds on a loaded machine where the woken thread queues for a core; and a worker
    /// that ran a chunk then spins for 200 us on a core the caller may need. Below this size the
    /// hand-over costs more than the second core gives back, which made batch-1 inference at 2
    /// threads several times slower than at 1 (issue 19), so such work runs inline on the caller.
    /// One threshold here instead of one per kernel: kernels only say how much work an item is.
    /// </remarks>
    public const long MinWorkPerChunk = 1 << 17;

    /// <summary>
    /// Until the returned scope is disposed, regions started on the calling thread fan out once every chunk
    /// gets <paramref name="minWork"/> element-equivalents instead of <see cref="MinWorkPerChunk"/>: for tests,
    /// so that checks of thread-count independence on small shapes really run on two threads.
    /// </summary>
    internal static MinWorkScope OverrideMinWorkPerChunk(long minWork)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minWork, 1);
        var scope = new MinWorkScope(t_minWorkOverride);
        t_minWorkOverride = minWork;
        return scope;
    }

    /// <summary>Restores the calling thread's previous threshold override when disposed.</summary>
    internal readonly struct MinWorkScope(long previous) : IDisposable
    {
        public void Dispose() => t_minWorkOverride = previous;
    }

    /// <summary>
    /// How many chunks <see cref="For{TBody}"/> splits <paramref name="count"/> items of
    /// <paramref name="workPerItem"/> element-equivalents each into: 1 (inline) unless every chunk
    /// gets at least <see cref="MinWorkPerChunk"/>, and never more than <see cref="Config.Threads"/>.
    /// </summary>
    public static int ChunksFor(int count, long workPerItem)
    {
        long total = (long)Math.Max(0, count) * Math.Max(1, workPerItem);
        long byWork = total / (t_minWorkOverride > 0 ? t_minWorkOverride : MinWorkPerChunk);
        return (int)Math.Max(1, Math.Min(Math.Min(Config.Threads, count), byWork));
    }

    /// <summary>Elements per block of <see cref="ForElements{TBody}"/>: a multiple of every SIMD width's float count.</summary>
    public const int ElementBlock = 64;

    /// <summary>
    /// <see cref="For{TBody}"/> over the elements of an array, with chunk boundaries at multiples of
    /// <see cref="ElementBlock"/>: element-wise kernels run whole vectors then a scalar tail per chunk, and the
    /// vector and scalar forms of exp, tanh and the like round differently, so boundaries at arbitrary elements
    /// would give an element different bits at 1 and 2 threads.
    /// </summary>
    public static void ForElements<TBody>(int count, long workPerElement, ref TBody body) where TBody : unmanaged, IRangeBody
    {
        var blocks = new Blocks<TBody>(body, count);
        For((count + ElementBlock - 1) / ElementBlock, workPerElement * ElementBlock, ref blocks);
    }

    private readonly struct Blocks<TBody>(TBody inner, int count) : IRangeBody where TBody : unmanaged, IRangeBody
    {
        public void Run(int start, int end) => inner.Run(start * ElementBlock, (int)Math.Min((long)end * ElementBlock, count));
    }

    /// <summary>
    /// Runs <paramref name="body"/> over contiguous chunks of [0, count), where each item costs about
    /// <paramref name="workPerItem"/> element-equivalents (see <see cref="MinWorkPerChunk"/>); work
    /// too small to pay for waking a thread runs inline on the caller. The caller runs chunk 0 and
    /// returns when all chunks are done. Chunk boundaries depend only on count and the chunk count,
    /// and every kernel's items are independent, so results do not depend on the thread count.
    /// </summary>
    public static void For<TBody>(int count, long workPerItem, ref TBody body) where TBody : unmanaged, IRangeBody
    {
        int chunks = ChunksFor(count, workPerItem);
        // Nested regions, and a second thread arriving while the workers are busy, run serially.
        if (chunks <= 1 || t_inside || !Monitor.TryEnter(s_gate))
        {
            body.Run(0, count);
            return;
        }
        try
        {
            EnsureWorkers(chunks - 1);
            fixed (TBody* state = &body)
            {
                s_fn = &Invoke<TBody>;
                s_state = state;
                s_count = count;
                s_chunks = chunks;
                s_error = null;
                Volatile.Write(ref s_pending, chunks - 1);
                for (int w = 0; w < chunks - 1; w++)
                {
                    // Opened after the job's fields are written (Release is a full fence): whoever claims it sees this job.
                    Volatile.Write(ref s_workers[w].Claim, 0);
                    s_workers[w].Release();
                }
                t_inside = true;
                try
                {
                    body.Run(0, ChunkEnd(count, chunks, 0));
                    // A chunk whose worker has not started it yet (still waking from sleep, or descheduled on a
                    // busy machine) is run here rather than waited for. Its boundaries stay the same, and so do
                    // the results; the last chunks first, since their workers were released last.
                    for (int w = chunks - 2; w >= 0; w--)
                    {
                        if (Interlocked.CompareExchange(ref s_workers[w].Claim, 1, 0) == 0)
                        {
                            try
                            {
                                body.Run(ChunkEnd(count, chunks, w), ChunkEnd(count, chunks, w + 1));
                            }
                            finally
                            {
                                Interlocked.Decrement(ref s_pending);
                            }
                        }
                    }
                }
                finally
                {
                    t_inside = false;
                    // Nothing stays claimable: after a failure above, no worker may start a chunk of a job whose state is going out of scope.
                    for (int w = 0; w < chunks - 1; w++)
                    {
                        if (Interlocked.CompareExchange(ref s_workers[w].Claim, 1, 0) == 0)
                        {
                            Interlocked.Decrement(ref s_pending);
                        }
                    }
                    // The workers are running their chunks now: wait without giving the core away,
                    // unless it takes long (a worker descheduled on a busy machine needs a core).
                    long yieldAfter = System.Diagnostics.Stopwatch.GetTimestamp() + 5 * SpinTicks;
                    var spin = new SpinWait();
                    while (Volatile.Read(ref s_pending) != 0)
                    {
                        if (System.Diagnostics.Stopwatch.GetTimestamp() < yieldAfter)
                        {
                            Thread.SpinWait(10);
                        }
                        else
                        {
                            spin.SpinOnce(sleep1Threshold: -1);
                        }
                    }
                }
                if (s_error is { } e)
                {
                    s_error = null;
                    throw new AggregateException("A parallel kernel failed.", e);
                }
            }
        }
        finally
        {
            s_fn = null;
            s_state = null;
            Monitor.Exit(s_gate);
        }
    }

    /// <summary>
    /// <see cref="For{TBody}"/> for a body that is an object (holding references a struct body may not): the
    /// same chunks and threads, the object reached through a GC handle for the duration of the call.
    /// </summary>
    public static void ForObject(int count, long workPerItem, IRangeBody body)
    {
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(body);
        try
        {
            var byHandle = new HandleBody(System.Runtime.InteropServices.GCHandle.ToIntPtr(handle));
            For(count, workPerItem, ref byHandle);
        }
        finally
        {
            handle.Free();
        }
    }

    private readonly struct HandleBody(nint handle) : IRangeBody
    {
        public void Run(int start, int end) =>
            ((IRangeBody)System.Runtime.InteropServices.GCHandle.FromIntPtr(handle).Target!).Run(start, end);
    }

    private static int ChunkEnd(int count, int chunks, int c) => (int)((long)count * (c + 1) / chunks);

    private static void Invoke<TBody>(void* state, int start, int end) where TBody : unmanaged, IRangeBody =>
        Unsafe.AsRef<TBody>(state).Run(start, end);

    private static void EnsureWorkers(int needed)
    {
        if (s_workers.Length >= needed)
        {
            return;
        }
        var grown = new Worker[needed];
        s_workers.CopyTo(grown, 0);
        for (int i = s_workers.Length; i < needed; i++)
        {
            grown[i] = new Worker(i + 1);
        }
        s_workers = grown;
    }

    /// <summary>One background thread that runs chunk <c>index</c> of each job it is released for.</summary>
    /// <remarks>
    /// The hand-over is one atomic state, so a release can never be lost: the worker registers itself
    /// as sleeping with a compare-exchange from idle, and the releaser swaps in "go" and signals the
    /// semaphore only when the swap took it from sleeping. (An earlier version set a flag and then
    /// looked at the semaphore's count; on x86 the flag's store could pass the count's load, both
    /// sides saw the other as not ready, and the caller spun forever beside a sleeping worker.)
    /// </remarks>
    private sealed class Worker
    {
        private const int Idle = 0, Go = 1, Sleeping = 2;

        private readonly int _index;
        private readonly SemaphoreSlim _wake = new(0);
        private int _state;

        /// <summary>
        /// 0 while this worker's chunk of the current job waits to be started, 1 once the worker or the caller
        /// has taken it (and between jobs): only the one that swaps it from 0 runs the chunk and counts it done.
        /// </summary>
        public int Claim = 1;

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"SharpKeras CPU worker {index}" };
            thread.Start();
        }

        public void Release()
        {
            if (Interlocked.Exchange(ref _state, Go) == Sleeping)
            {
                _wake.Release();
            }
        }

        private void Loop()
        {
            t_inside = true;
            while (true)
            {
                // Busy-spin (without yielding the core) for a short while before sleeping: regions come
                // every few microseconds during a step, and a worker that yielded or slept loses
                // tens of microseconds to the scheduler, more on a busy machine.
                long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
                while (Volatile.Read(ref _state) != Go && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(20);
                }
                var spin = new SpinWait();
                for (int i = 0; i < 50 && Volatile.Read(ref _state) != Go; i++)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
                if (Interlocked.CompareExchange(ref _state, Sleeping, Idle) == Idle)
                {
                    // Registered as sleeping before any release: the next release signals exactly once.
                    _wake.Wait();
                }
                Volatile.Write(ref _state, Idle);
                // The caller may have run this chunk already (and even released a new job since, whose Go merged
                // with this one): only the claim's taker runs a chunk, and the job cannot change until it is counted done.
                if (Interlocked.CompareExchange(ref Claim, 1, 0) != 0)
                {
                    continue;
                }
                int count = s_count, chunks = s_chunks;
                try
                {
                    s_fn(s_state, ChunkEnd(count, chunks, _index - 1), ChunkEnd(count, chunks, _index));
                }
                catch (Exception e)
                {
                    s_error = e;
                }
                Interlocked.Decrement(ref s_pending);
            }
        }
    }
}
