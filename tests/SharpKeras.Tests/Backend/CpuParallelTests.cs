using System.Diagnostics;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>The persistent worker pool: every item runs once, and no release is lost.</summary>
[Collection(SharpKeras.Tests.Backend.ThreadCountCollection.Name)]
public class CpuParallelTests
{
    /// <summary>One region over hits.Length items, each adding 1 to its own counter.</summary>
    private static unsafe void Region(int[] hits, int minPerChunk)
    {
        fixed (int* p = hits)
        {
            var body = new CountBody(p);
            CpuParallel.For(hits.Length, minPerChunk, ref body);
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
    [InlineData(2, 1)]
    [InlineData(7, 1)]
    [InlineData(1000, 1)]
    [InlineData(1000, 600)]
    public void EveryItemRunsExactlyOnce(int count, int minPerChunk)
    {
        var hits = new int[count];
        Region(hits, minPerChunk);
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
                    Region(hits, 1);
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
}
