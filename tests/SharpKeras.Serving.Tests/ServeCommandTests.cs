using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SharpKeras.Cli;

namespace SharpKeras.Serving.Tests;

/// <summary><c>sharpkeras serve MODEL</c> on a loopback port answers TF Serving's REST requests with Keras's outputs.</summary>
public sealed class ServeCommandTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [KerasRefsFact]
    public async Task ServesKerasOutputsForEveryReferenceModel()
    {
        foreach (var (name, inputs, expected) in KerasRefs.Models())
        {
            int port = FreePort();
            using var stop = new CancellationTokenSource();
            var stderr = new StringWriter();
            var server = Task.Run(() => CliApp.Run(
                ["serve", KerasRefs.PathOf($"{name}.keras"), "--port", port.ToString(CultureInfo.InvariantCulture), "--name", "ref", "--max-batch", "8"],
                new StringWriter(), stderr, stop.Token));
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    Assert.False(server.IsCompleted, $"{name}: serve ended early: {stderr}");
                    try
                    {
                        if ((await client.GetAsync("/v1/models/ref")).StatusCode == HttpStatusCode.OK)
                        {
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }
                    Assert.True(DateTime.UtcNow < deadline, $"{name}: serve did not answer within 60 s");
                    await Task.Delay(100);
                }

                JsonNode payload = inputs.Length == 1 ? TestModels.ToJson(inputs[0].X) : new JsonObject(inputs.Select(i => KeyValuePair.Create(i.Input, (JsonNode?)TestModels.ToJson(i.X))));
                var (status, body) = await TestModels.PostAsync(client, "/v1/models/ref:predict", new JsonObject { ["inputs"] = payload }.ToJsonString());
                Assert.True(status == 200, $"{name}: {status} {body}");
                TestModels.AssertClose(expected, TestModels.Flatten(body!["outputs"]), 1e-5, name);
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/models/other")).StatusCode);
            }
            finally
            {
                stop.Cancel();
            }
            Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public void BadOptionsAreUsageErrors()
    {
        var stderr = new StringWriter();
        int code = CliApp.Run(["serve", "m.keras", "--max-batch", "0"], new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("MaxBatch", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HelpListsServesOptions()
    {
        var stdout = new StringWriter();
        int code = CliApp.Run(["serve", "--help"], stdout, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("--batch-timeout-ms", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("--max-batch", stdout.ToString(), StringComparison.Ordinal);
    }
}
