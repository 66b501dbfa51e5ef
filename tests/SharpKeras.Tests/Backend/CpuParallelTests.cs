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

    private readonly unsafe struct ThreadBody(int* ids) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                ids[i] = Environment.CurrentManagedThreadId;
            }
        }
    }

    private static unsafe int[] ThreadsOf(int count, long workPerItem)
    {
        var ids = new int[count];
        fixed (int* p = ids)
        {
            var body = new ThreadBody(p);
            CpuParallel.For(count, workPerItem, ref body);
        }
        return ids;
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
