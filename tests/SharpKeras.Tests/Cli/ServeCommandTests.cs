using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using SharpKeras.Cli;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Cli;

/// <summary><c>sharpkeras serve MODEL</c> on a loopback port answers TF Serving's REST requests with Keras's outputs.</summary>
public sealed class ServeCommandTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static JsonNode Nested(Tensor t)
    {
        var data = t.ToArray();
        var shape = t.Shape.ToArray();
        int index = 0;
        JsonNode Build(int axis)
        {
            var a = new JsonArray();
            for (int i = 0; i < shape[axis]; i++)
            {
                a.Add(axis == shape.Length - 1 ? JsonValue.Create(data[index++]) : Build(axis + 1));
            }
            return a;
        }
        return Build(0);
    }

    private static void Flatten(JsonNode node, List<float> into)
    {
        if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                Flatten(item!, into);
            }
        }
        else
        {
            into.Add(node.GetValue<float>());
        }
    }

    [KerasRefsTheory]
    [InlineData("mlp", "keras")]
    [InlineData("cnn", "keras")]
    [InlineData("functional", "keras")]
    [InlineData("lstm_gru", "h5")]
    [InlineData("simplernn_bilstm", "keras")]
    public async Task ServesKerasOutputs(string name, string ext)
    {
        int port = FreePort();
        using var stop = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var server = Task.Run(() => CliApp.Run(
            ["serve", KerasRefs.File($"{name}.{ext}"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", "ref", "--max-batch", "8"],
            stdout, stderr, stop.Token));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.False(server.IsCompleted, $"serve ended early ({(server.IsCompleted ? server.Result : 0)}): {stderr}");
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
                Assert.True(DateTime.UtcNow < deadline, "serve did not answer within 60 s");
                await Task.Delay(100);
            }

            JsonNode inputs;
            if (name == "functional")
            {
                inputs = new JsonObject
                {
                    ["input_a"] = Nested(NumpyFile.Load(KerasRefs.File("functional_input_a.npy"))),
                    ["input_b"] = Nested(NumpyFile.Load(KerasRefs.File("functional_input_b.npy"))),
                };
            }
            else
            {
                inputs = Nested(NumpyFile.Load(KerasRefs.File($"{name}_input.npy")));
            }
            var body = new JsonObject { ["inputs"] = inputs }.ToJsonString();
            var response = await client.PostAsync("/v1/models/ref:predict", new StringContent(body, Encoding.UTF8, "application/json"));
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {text}");
            var got = new List<float>();
            Flatten(JsonNode.Parse(text)!["outputs"]!, got);
            var expected = NumpyFile.Load(KerasRefs.File($"{name}_output.npy")).ToArray();
            Assert.Equal(expected.Length, got.Count);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-5, $"{name}[{i}]: Keras {expected[i]}, served {got[i]}");
            }

            var missing = await client.GetAsync("/v1/models/other");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            stop.Cancel();
        }
        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void BadOptionsAreUsageErrors()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["serve", "m.keras", "--max-batch", "0"], stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains("MaxBatch", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HelpListsServe()
    {
        var stdout = new StringWriter();
        int code = CliApp.Run(["serve", "--help"], stdout, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("--batch-timeout-ms", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("--max-batch", stdout.ToString(), StringComparison.Ordinal);
    }
}
