using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;

namespace SharpKeras.Serving.Tests;

/// <summary>TF Serving's REST API over a real loopback socket: every Keras reference model's predictions, formats and errors.</summary>
public sealed class RestApiTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private HttpClient Client => fixture.Client;

    [KerasRefsFact]
    public async Task RowFormatPredictionsMatchKerasForEveryReferenceModel()
    {
        foreach (var (name, inputs, expected) in KerasRefs.Models())
        {
            int n = inputs[0].X.Shape[0];
            var instances = new JsonArray();
            for (int r = 0; r < n; r++)
            {
                if (inputs.Length == 1)
                {
                    instances.Add(TestModels.ToJson(inputs[0].X, r));
                }
                else
                {
                    var obj = new JsonObject();
                    foreach (var (input, x) in inputs)
                    {
                        obj[input] = TestModels.ToJson(x, r);
                    }
                    instances.Add(obj);
                }
            }
            var (status, body) = await TestModels.PostAsync(Client, $"/v1/models/{name}:predict", new JsonObject { ["instances"] = instances }.ToJsonString());
            Assert.True(status == 200, $"{name}: {status} {body}");
            var predictions = body!["predictions"]!.AsArray();
            Assert.Equal(n, predictions.Count);
            TestModels.AssertClose(expected, TestModels.Flatten(predictions), 1e-5, name);
        }
    }

    [KerasRefsFact]
    public async Task ColumnarPredictionsMatchKerasForEveryReferenceModel()
    {
        foreach (var (name, inputs, expected) in KerasRefs.Models())
        {
            JsonNode payload;
            if (inputs.Length == 1)
            {
                payload = TestModels.ToJson(inputs[0].X);
            }
            else
            {
                var obj = new JsonObject();
                foreach (var (input, x) in inputs)
                {
                    obj[input] = TestModels.ToJson(x);
                }
                payload = obj;
            }
            var (status, body) = await TestModels.PostAsync(Client, $"/v1/models/{name}/versions/1:predict", new JsonObject { ["inputs"] = payload }.ToJsonString());
            Assert.True(status == 200, $"{name}: {status} {body}");
            TestModels.AssertClose(expected, TestModels.Flatten(body!["outputs"]), 1e-5, name);
        }
    }

    [KerasRefsFact]
    public async Task StatusAndMetadataHaveTfServingsShape()
    {
        var status = JsonNode.Parse(await Client.GetStringAsync("/v1/models/functional"))!;
        var v = status["model_version_status"]![0]!;
        Assert.Equal("1", (string?)v["version"]);
        Assert.Equal("AVAILABLE", (string?)v["state"]);
        Assert.Equal("OK", (string?)v["status"]!["error_code"]);

        var meta = JsonNode.Parse(await Client.GetStringAsync("/v1/models/functional/metadata"))!;
        Assert.Equal("functional", (string?)meta["model_spec"]!["name"]);
        var sig = meta["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!;
        var a = sig["inputs"]!["input_a"]!;
        Assert.Equal("DT_FLOAT", (string?)a["dtype"]);
        Assert.Equal(["-1", "8"], a["tensor_shape"]!["dim"]!.AsArray().Select(d => (string)d!["size"]!));
        Assert.Equal(["-1", "5"], sig["inputs"]!["input_b"]!["tensor_shape"]!["dim"]!.AsArray().Select(d => (string)d!["size"]!));
        var outputs = sig["outputs"]!.AsObject();
        Assert.Single(outputs);
        Assert.Equal(["-1", "4"], outputs.First().Value!["tensor_shape"]!["dim"]!.AsArray().Select(d => (string)d!["size"]!));

        var lstm = JsonNode.Parse(await Client.GetStringAsync("/v1/models/lstm_gru/metadata"))!;
        var lstmInput = lstm["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!["inputs"]!.AsObject().Single().Value!;
        Assert.Equal("DT_INT32", (string?)lstmInput["dtype"]);
        Assert.Equal("ok\n", await Client.GetStringAsync("/healthz"));
        Assert.Equal("the user's own endpoint", await Client.GetStringAsync("/mine"));
    }

    [Fact]
    public async Task UnknownModelIs404WithAnErrorBody()
    {
        using var r = await Client.GetAsync("/v1/models/nope");
        Assert.Equal(404, (int)r.StatusCode);
        Assert.Contains("nope", (string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]);
        var (status, body) = await TestModels.PostAsync(Client, "/v1/models/nope:predict", "{\"instances\": [[1]]}");
        Assert.Equal(404, status);
        Assert.Contains("Servable not found", (string?)body!["error"]);
        using var v2 = await Client.GetAsync("/v1/models/mlp/versions/2");
        Assert.Equal(404, (int)v2.StatusCode);
    }

    [KerasRefsFact]
    public async Task BadJsonShapesAndDtypesAre400WithAClearMessage()
    {
        async Task<string> Bad(string model, string json)
        {
            var (status, body) = await TestModels.PostAsync(Client, $"/v1/models/{model}:predict", json);
            Assert.True(status == 400, $"{json}: {status} {body}");
            return (string)body!["error"]!;
        }
        Assert.Contains("not valid JSON", await Bad("mlp", "{\"instances\": [[1, 2"));
        Assert.Contains("\"instances\" or \"inputs\"", await Bad("mlp", "[1, 2]"));
        Assert.Contains("\"instances\" (row format) or \"inputs\"", await Bad("mlp", "{\"x\": 1}"));
        Assert.Contains("both", await Bad("mlp", "{\"instances\": [], \"inputs\": []}"));
        Assert.Contains("expects rows of shape (28, 28)", await Bad("mlp", "{\"instances\": [[1, 2, 3]]}"));
        Assert.Contains("every row must have the same shape", await Bad("functional", "{\"inputs\": {\"input_a\": [[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8]], \"input_b\": [[1, 2, 3, 4, 5], [1, 2]]}}"));
        Assert.Contains("expected an integer (DT_INT32)", await Bad("lstm_gru", "{\"instances\": [[1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]}"));
        Assert.Contains("expected a number (DT_FLOAT)", await Bad("functional", "{\"inputs\": {\"input_a\": [[1, 2, 3, 4, 5, 6, 7, 8]], \"input_b\": [[\"a\", 2, 3, 4, 5]]}}"));
        Assert.Contains("no input 'input_b'", await Bad("functional", "{\"inputs\": {\"input_a\": [[1, 2, 3, 4, 5, 6, 7, 8]]}}"));
        Assert.Contains("different batch sizes", await Bad("functional", "{\"inputs\": {\"input_a\": [[1, 2, 3, 4, 5, 6, 7, 8]], \"input_b\": [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]}}"));
        Assert.Contains("each instance must be an object", await Bad("functional", "{\"instances\": [[1, 2]]}"));
        Assert.Contains("'input_c' is not an input", await Bad("functional", "{\"inputs\": {\"input_a\": [[1, 2, 3, 4, 5, 6, 7, 8]], \"input_b\": [[1, 2, 3, 4, 5]], \"input_c\": [1]}}"));
        Assert.Contains("is empty", await Bad("mlp", "{\"instances\": []}"));
        var (classify, cbody) = await TestModels.PostAsync(Client, "/v1/models/mlp:classify", "{\"instances\": [[1]]}");
        Assert.Equal(400, classify);
        Assert.Contains("not supported", (string?)cbody!["error"]);
    }

    [Fact]
    public async Task ColumnarMultiInputMultiOutputModelAnswersNamedOutputs()
    {
        var model = TestModels.TwoInputs();
        await using var server = await KerasServer.StartAsync(new ServeOptions("two.keras") { Port = 0, Name = "two" }, model, l => l.ClearProviders());
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var a = Tensor.FromArray(new float[] { 1, 2, 3, -1, 0, 0.5f }, 2, 3);
        var b = Tensor.FromArray(new float[] { 0.25f, -2, 4, 1 }, 2, 2);
        var expected = model.PredictOutputs([a, b], verbose: 0);
        var request = new JsonObject { ["inputs"] = new JsonObject { ["input_b"] = TestModels.ToJson(b), ["input_a"] = TestModels.ToJson(a) } };
        var (status, body) = await TestModels.PostAsync(client, "/v1/models/two:predict", request.ToJsonString());
        Assert.Equal(200, status);
        var outputs = body!["outputs"]!.AsObject();
        TestModels.AssertClose(expected[0], TestModels.Flatten(outputs["first"]), 0, "first");
        TestModels.AssertClose(expected[1], TestModels.Flatten(outputs["second"]), 0, "second");

        var rows = new JsonObject
        {
            ["instances"] = new JsonArray(
                new JsonObject { ["input_a"] = TestModels.ToJson(a, 0), ["input_b"] = TestModels.ToJson(b, 0) },
                new JsonObject { ["input_a"] = TestModels.ToJson(a, 1), ["input_b"] = TestModels.ToJson(b, 1) }),
        };
        (status, body) = await TestModels.PostAsync(client, "/v1/models/two:predict", rows.ToJsonString());
        Assert.Equal(200, status);
        var predictions = body!["predictions"]!.AsArray();
        Assert.Equal(2, predictions.Count);
        TestModels.AssertClose(expected[1], [.. predictions.SelectMany(p => TestModels.Flatten(p!["second"]))], 0, "second by rows");
    }

    [Fact]
    public async Task OversizedBodyIs413()
    {
        await using var server = await KerasServer.StartAsync(new ServeOptions("two.keras") { Port = 0, Name = "two", MaxRequestBytes = 1000 }, TestModels.TwoInputs(), l => l.ClearProviders());
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var big = "{\"inputs\": {\"input_a\": [" + string.Join(", ", Enumerable.Repeat("[1, 2, 3]", 200)) + "]}}";
        var (status, body) = await TestModels.PostAsync(client, "/v1/models/two:predict", big);
        Assert.Equal(413, status);
        Assert.Contains("MaxRequestBytes", (string?)body!["error"]);
        // Chunked, so no Content-Length announces it: refused while reading.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/v1/models/two:predict") { Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big))) };
        chunked.Headers.TransferEncodingChunked = true;
        using var r = await client.SendAsync(chunked);
        Assert.Equal(413, (int)r.StatusCode);
    }
}
