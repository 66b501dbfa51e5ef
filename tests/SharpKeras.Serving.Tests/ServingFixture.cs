using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharpKeras.Models;

namespace SharpKeras.Serving.Tests;

/// <summary>
/// A user's own ASP.NET Core app on a loopback port chosen by the system, with every Keras reference
/// model mapped by <c>MapKerasModel</c> under its manifest name.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public HttpClient Client { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/mine", () => "the user's own endpoint");
        if (KerasRefs.Dir is not null)
        {
            foreach (var (name, _, _) in KerasRefs.Models())
            {
                _app.MapKerasModel(new ServeOptions(KerasRefs.PathOf(name + ".keras")) { Port = 0, MaxBatch = 16, BatchTimeoutMs = 1 });
            }
        }
        else
        {
            _app.MapKerasModel(TestModels.TwoInputs(), new ServeOptions("two_inputs.keras") { Port = 0 });
        }
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client.BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Small models and JSON helpers for the serving tests.</summary>
internal static class TestModels
{
    public static Model TwoInputs()
    {
        Config.SetRandomSeed(7);
        var a = Keras.Input([3], name: "input_a");
        var b = Keras.Input([2], name: "input_b");
        var x = new Layers.Concatenate().Apply([new Layers.Dense(4, activation: "tanh").Apply(a), b]);
        return new Model([a, b], [new Layers.Dense(2, name: "first").Apply(x), new Layers.Dense(1, name: "second").Apply(x)]);
    }

    /// <summary>A tensor as nested JSON lists (integers for int tensors).</summary>
    public static JsonNode ToJson(Tensor t, int row = -1)
    {
        var dims = t.Shape.ToArray();
        var f = t.ToArray();
        bool ints = t.DType != DType.Float32;
        JsonNode Build(int depth, int offset, int[] shape)
        {
            if (depth == shape.Length)
            {
                return ints ? JsonValue.Create((int)f[offset]) : JsonValue.Create(f[offset]);
            }
            int inner = 1;
            for (int i = depth + 1; i < shape.Length; i++)
            {
                inner *= shape[i];
            }
            var arr = new JsonArray();
            for (int i = 0; i < shape[depth]; i++)
            {
                arr.Add(Build(depth + 1, offset + i * inner, shape));
            }
            return arr;
        }
        if (row < 0)
        {
            return Build(0, 0, dims);
        }
        int per = f.Length / dims[0];
        return Build(1, row * per, dims);
    }

    /// <summary>Flattens nested JSON lists of numbers.</summary>
    public static List<float> Flatten(JsonNode? node)
    {
        var list = new List<float>();
        void Walk(JsonNode? n)
        {
            if (n is JsonArray a)
            {
                foreach (var c in a)
                {
                    Walk(c);
                }
            }
            else
            {
                list.Add(n!.GetValue<float>());
            }
        }
        Walk(node);
        return list;
    }

    public static async Task<(int Status, JsonNode? Body)> PostAsync(HttpClient client, string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(url, content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static void AssertClose(Tensor expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        var e = expected.ToArray();
        Assert.Equal(e.Length, actual.Count);
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(e[i] - actual[i]));
        }
        Assert.True(worst <= tolerance, $"{what}: max |diff| {worst:G3} > {tolerance:G3}");
    }

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Default;
}
