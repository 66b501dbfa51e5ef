using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace SharpKeras.Serving.Tests;

/// <summary>Dynamic batching: concurrent requests share model calls and each still gets exactly its own rows back.</summary>
public sealed class BatchingTests(ITestOutputHelper output)
{
    private static (Models.Model Model, Tensor[] A, Tensor[] B) Setup(int n)
    {
        var model = TestModels.TwoInputs();
        var a = Enumerable.Range(0, n).Select(i => Tensor.FromArray(new float[] { i, -i * 0.5f, 1 + i * 0.1f }, 1, 3)).ToArray();
        var b = Enumerable.Range(0, n).Select(i => Tensor.FromArray(new float[] { i % 3, 2 - i }, 1, 2)).ToArray();
        return (model, a, b);
    }

    private async Task<long> RunConcurrent(ServeOptions options, int n)
    {
        var (model, a, b) = Setup(n);
        var expected = Enumerable.Range(0, n).Select(i => model.PredictOutputs([a[i], b[i]], verbose: 0)).ToArray();
        await using var server = await KerasServer.StartAsync(options, model, l => l.ClearProviders());
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, n).Select(i => Task.Run(async () =>
        {
            var body = new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["input_a"] = TestModels.ToJson(a[i], 0), ["input_b"] = TestModels.ToJson(b[i], 0) }) };
            start.Wait();
            return await TestModels.PostAsync(client, "/v1/models/two:predict", body.ToJsonString());
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(200, results[i].Status);
            var p = results[i].Body!["predictions"]![0]!;
            TestModels.AssertClose(expected[i][0], TestModels.Flatten(p["first"]), 1e-6, $"request {i} first");
            TestModels.AssertClose(expected[i][1], TestModels.Flatten(p["second"]), 1e-6, $"request {i} second");
        }
        Assert.Equal(n, server.Rows);
        output.WriteLine($"{n} concurrent one-row requests, max batch {options.MaxBatch}, timeout {options.BatchTimeoutMs} ms: {server.Batches} model calls");
        return server.Batches;
    }

    [Fact]
    public async Task ConcurrentRequestsOverHttpEachGetTheirOwnRows()
    {
        // How many calls the 24 requests share depends on how the machine schedules the clients; the
        // batcher tests below pin the batching itself down.
        await RunConcurrent(new ServeOptions("two.keras") { Port = 0, Name = "two", MaxBatch = 64, BatchTimeoutMs = 200 }, 24);
    }

    /// <summary>Queues one-row requests the way the endpoint does (announced, then queued) and returns the model calls made.</summary>
    private static async Task<long> Batch(int requests, int maxBatch, int timeoutMs)
    {
        var (model, a, b) = Setup(requests);
        var expected = Enumerable.Range(0, requests).Select(i => model.PredictOutputs([a[i], b[i]], verbose: 0)).ToArray();
        await using var batcher = new DynamicBatcher(model, maxBatch, timeoutMs, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        for (int i = 0; i < requests; i++)
        {
            batcher.Arriving();
        }
        var pending = new Task<OutputSlice[]>[requests];
        for (int i = 0; i < requests; i++)
        {
            pending[i] = batcher.PredictAsync([a[i], b[i]]);
            batcher.Left();
        }
        var results = await Task.WhenAll(pending);
        for (int i = 0; i < requests; i++)
        {
            TestModels.AssertClose(expected[i][0], results[i][0].Data, 1e-6, $"request {i} first");
            TestModels.AssertClose(expected[i][1], results[i][1].Data, 1e-6, $"request {i} second");
            Assert.Equal([1, 2], results[i][0].Shape);
        }
        Assert.Equal(requests, batcher.Rows);
        return batcher.Batches;
    }

    [Fact]
    public async Task RequestsOnTheirWayJoinOneBatch()
    {
        Assert.Equal(1, await Batch(24, 64, 5000));
    }

    [Fact]
    public async Task MaxBatchSplitsRequestsOnTheirWay()
    {
        Assert.Equal(3, await Batch(24, 8, 5000));
    }

    [Fact]
    public async Task StoppingRunsEveryQueuedRequestThenRefusesNewOnes()
    {
        var (model, a, b) = Setup(3);
        var batcher = new DynamicBatcher(model, 64, 60_000, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        // A request still on its way keeps the batch waiting (up to a minute) ...
        batcher.Arriving();
        var queued = Enumerable.Range(0, 3).Select(i => batcher.PredictAsync([a[i], b[i]])).ToArray();
        // ... until the stop, which runs what is queued instead of dropping it.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await batcher.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"stopping took {watch.Elapsed}");
        Assert.All(await Task.WhenAll(queued), r => Assert.Equal([1, 2], r[0].Shape));
        Assert.Equal(1, batcher.Batches);
        Assert.Equal(503, Assert.Throws<ServingException>(() => { _ = batcher.PredictAsync([a[0], b[0]]); }).Status);
    }

    [Fact]
    public async Task ZeroTimeoutRunsEveryRequestAlone()
    {
        Assert.Equal(24, await Batch(24, 64, 0));
    }

    [Fact]
    public async Task WithoutBatchingEveryRequestIsItsOwnModelCall()
    {
        Assert.Equal(12, await RunConcurrent(new ServeOptions("two.keras") { Port = 0, Name = "two", BatchTimeoutMs = 0 }, 12));
    }

    [Fact]
    public async Task MaxBatchBoundsTheRowsOfOneCall()
    {
        long batches = await RunConcurrent(new ServeOptions("two.keras") { Port = 0, Name = "two", MaxBatch = 4, BatchTimeoutMs = 200 }, 16);
        Assert.True(batches >= 4, $"16 one-row requests with maxBatch 4 ran as {batches} model calls");
    }

    [Fact]
    public async Task ShutdownLetsRequestsInFlightFinish()
    {
        var (model, a, b) = Setup(8);
        // A batch timeout far beyond the test: the batch below leaves only when the test lets it, never by the clock.
        var server = await KerasServer.StartAsync(new ServeOptions("two.keras") { Port = 0, Name = "two", MaxBatch = 64, BatchTimeoutMs = 60_000 }, model, l => l.ClearProviders());
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var batcher = server.Batcher!;
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        batcher.Queued += () => queued.TrySetResult();
        var shuttingDown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = server.Lifetime.ApplicationStopping.Register(() => shuttingDown.TrySetResult());
        // A second request "on its way" keeps the first one's batch waiting, so the first stays in flight
        // until released, however the machine schedules the client, Kestrel and the executor.
        batcher.Arriving();
        var body = new JsonObject { ["inputs"] = new JsonObject { ["input_a"] = TestModels.ToJson(a[1]), ["input_b"] = TestModels.ToJson(b[1]) } }.ToJsonString();
        var inFlight = TestModels.PostAsync(client, "/v1/models/two:predict", body);
        // Deterministic: the request has been read, accepted and queued before the shutdown starts (the guard only bounds a hang).
        await queued.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var stopping = server.DisposeAsync().AsTask();
        await shuttingDown.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.False(inFlight.IsCompleted, "the held request finished before it was released");
        Assert.Equal(0, batcher.Batches);
        batcher.Left();
        var (status, answer) = await inFlight;
        await stopping;
        Assert.True(status == 200, $"{status} {answer}");
        var expected = model.PredictOutputs([a[1], b[1]], verbose: 0);
        TestModels.AssertClose(expected[0], TestModels.Flatten(answer!["outputs"]!["first"]), 1e-6, "first");
        Assert.Equal(1, batcher.Batches);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }

    [Fact]
    public void BadOptionsNameTheOption()
    {
        Assert.Contains("MaxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => new ServeOptions("m.keras") { MaxBatch = 0 }.Validate()).Message);
        Assert.Contains("Port", Assert.Throws<ArgumentOutOfRangeException>(() => new ServeOptions("m.keras") { Port = 70000 }.Validate()).Message);
        Assert.Contains("Name", Assert.Throws<ArgumentException>(() => new ServeOptions("m.keras") { Name = "a:b" }.Validate()).Message);
        Assert.Equal("model", new ServeOptions("/x/model.keras").ModelName);
    }
}
