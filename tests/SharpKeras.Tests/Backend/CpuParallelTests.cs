using System.Diagnostics;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>The persistent worker pool: every item runs once, and no release is lost.</summary>
[Collection(SharpKeras.Tests.Backend.ThreadCountCollection.Name)]
public class CpuParallelTests
{
    /// <summary>One region over hits.Length items, each adding 1 to its own counter.</summary>
    private static unsafe void Region(int[] hits, long workPerItem)
    {
        fixed (int* p = hits)
        {
            var body = new CountBody(p);
            CpuParallel.For(hits.Length, workPerItem, ref body);
        }
    }

    private readonly unsafe struct CountBody(int* hits) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                Interlocked.Increment(ref hits[i]);
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1 << 17)]
    [InlineData(7, 1 << 17)]
    [InlineData(1000, 1)]
    [InlineData(1000, 1 << 17)]
    [InlineData(1001, 300)]
    public void EveryItemRunsExactlyOnce(int count, long workPerItem)
    {
        var hits = new int[count];
        Region(hits, workPerItem);
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    /// <summary>
    /// Regions released with pauses around the moment an idle worker stops spinning and goes to
    /// sleep (about 200 us), where a lost release used to leave the caller spinning forever beside a
    /// sleeping worker. Run on a thread of its own so that a hang fails the test instead of the run.
    /// </summary>
    [Fact]
    public async Task ReleasesNearTheWorkersSleepAreNeverLost()
    {
        int saved = Config.Threads;
        Config.Threads = 2;
        try
        {
            var hits = new int[2];
            long completed = 0;
            var run = Task.Run(() =>
            {
                var rng = new Random(5);
                long ticksPerMicrosecond = Stopwatch.Frequency / 1_000_000;
                for (int round = 0; round < 4000; round++)
                {
                    long until = Stopwatch.GetTimestamp() + rng.Next(100, 400) * ticksPerMicrosecond;
                    while (Stopwatch.GetTimestamp() < until)
                    {
                        Thread.SpinWait(10);
                    }
                    Region(hits, CpuParallel.MinWorkPerChunk);
                    Interlocked.Increment(ref completed);
                }
            });
            bool finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(120))) == run;
            Assert.True(finished, $"a parallel region never finished (after {Interlocked.Read(ref completed)} of 4000)");
            await run;
            Assert.Equal(4000, hits[0]);
            Assert.Equal(4000, hits[1]);
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    /// <summary>
    /// Records each item's thread; the first chunk waits (up to 30 s) until a later chunk has started, so the
    /// caller cannot take over a later chunk of a worker that is merely slow to wake.
    /// </summary>
    private readonly unsafe struct WaitingThreadBody(int* ids, int* laterStarted) : IRangeBody
    {
        public void Run(int start, int end)
        {
            if (start > 0)
            {
                Volatile.Write(ref *laterStarted, 1);
            }
            for (int i = start; i < end; i++)
            {
                ids[i] = Environment.CurrentManagedThreadId;
            }
            if (start == 0 && end < CountOf(ids))
            {
                long until = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
                while (Volatile.Read(ref *laterStarted) == 0 && Stopwatch.GetTimestamp() < until)
                {
                    Thread.Yield();
                }
            }
        }

        // The item count is stored just before the ids (see ThreadsOf).
        private static int CountOf(int* ids) => ids[-1];
    }

    private static unsafe int[] ThreadsOf(int count, long workPerItem)
    {
        var buffer = new int[count + 2];
        buffer[1] = count;
        fixed (int* p = buffer)
        {
            var body = new WaitingThreadBody(p + 2, p);
            CpuParallel.For(count, workPerItem, ref body);
        }
        return buffer[2..];
    }

    /// <summary>
    /// A chunk whose worker has not started it when the caller finishes its own is run by the caller, with the
    /// same boundaries: every item still runs exactly once, and a region after a failed one runs normally.
    /// </summary>
    [Fact]
    public unsafe void TheCallerTakesOverUnstartedChunksAndAFailureLeavesNoneBehind()
    {
        int saved = Config.Threads;
        Config.Threads = 2;
        try
        {
            using var _ = CpuParallel.OverrideMinWorkPerChunk(1);
            // Tiny regions back to back, with pauses past the worker's spin: many are finished by the caller alone.
            var hits = new int[2];
            var rng = new Random(3);
            for (int round = 0; round < 2000; round++)
            {
                if (round % 50 == 0)
                {
                    Thread.Sleep(rng.Next(0, 2));
                }
                Region(hits, 1);
            }
            Assert.Equal(2000, hits[0]);
            Assert.Equal(2000, hits[1]);
            var failing = new ThrowingBody(0);
            Assert.Throws<InvalidOperationException>(() => CpuParallel.For(2, 1, ref failing));
            var after = new int[1000];
            Region(after, 1);
            Assert.All(after, h => Assert.Equal(1, h));
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    private readonly struct ThrowingBody(int throwAt) : IRangeBody
    {
        public void Run(int start, int end)
        {
            if (start <= throwAt && throwAt < end)
            {
                throw new InvalidOperationException($"item {throwAt} failed");
            }
        }
    }

    /// <summary>The test-only threshold override makes small work fan out on the calling thread only, until disposed.</summary>
    [Fact]
    public void TheThresholdOverrideAppliesUntilDisposed()
    {
        int saved = Config.Threads;
        Config.Threads = 2;
        try
        {
            Assert.Equal(1, CpuParallel.ChunksFor(2, 1));
            using (CpuParallel.OverrideMinWorkPerChunk(1))
            {
                Assert.Equal(2, CpuParallel.ChunksFor(2, 1));
                Assert.Equal(1, CpuParallel.ChunksFor(1, 1));
                int onOtherThread = 0;
                var other = new Thread(() => onOtherThread = CpuParallel.ChunksFor(2, 1));
                other.Start();
                other.Join();
                Assert.Equal(1, onOtherThread);
                int caller = Environment.CurrentManagedThreadId;
                int[] ids = ThreadsOf(10, 1);
                Assert.All(ids[..5], id => Assert.Equal(caller, id));
                Assert.All(ids[5..], id => Assert.NotEqual(caller, id));
            }
            Assert.Equal(1, CpuParallel.ChunksFor(2, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => CpuParallel.OverrideMinWorkPerChunk(0));
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    /// <summary>
    /// Work below the threshold runs on the caller even with 2 threads (a batch-1 pass must not pay for a
    /// wake-up), and work above it is handed to a worker, so the threshold is what decides.
    /// </summary>
    [Fact]
    public void SmallWorkRunsInlineAndLargeWorkFansOut()
    {
        int saved = Config.Threads;
        Config.Threads = 2;
        try
        {
            int caller = Environment.CurrentManagedThreadId;
            // 1000 items of 200 element-equivalents: 200K in all, under two chunks' worth.
            Assert.Equal(1, CpuParallel.ChunksFor(1000, 200));
            Assert.All(ThreadsOf(1000, 200), id => Assert.Equal(caller, id));
            // Exactly two chunks' worth, and more, split in two; one chunk's worth less one stays inline.
            Assert.Equal(2, CpuParallel.ChunksFor(2, CpuParallel.MinWorkPerChunk));
            Assert.Equal(1, CpuParallel.ChunksFor(2, CpuParallel.MinWorkPerChunk - 1));
            Assert.Equal(2, CpuParallel.ChunksFor(1 << 20, 1 << 20));
            int[] large = ThreadsOf(1000, CpuParallel.MinWorkPerChunk);
            Assert.All(large[..500], id => Assert.Equal(caller, id));
            Assert.All(large[500..], id => Assert.NotEqual(caller, id));
            // One thread never fans out, however large the work; zero items is one (empty) inline chunk.
            Config.Threads = 1;
            Assert.Equal(1, CpuParallel.ChunksFor(1 << 20, 1 << 20));
            Assert.Equal(1, CpuParallel.ChunksFor(0, 1));
        }
        finally
        {
            Config.Threads = saved;
        }
    }
}
