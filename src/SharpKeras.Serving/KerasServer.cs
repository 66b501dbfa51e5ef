using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpKeras.Models;

namespace SharpKeras.Serving;

/// <summary>
/// A standalone TensorFlow Serving–compatible REST server for one Keras model (what <c>sharpkeras serve MODEL</c>
/// runs): Kestrel on <see cref="ServeOptions.Host"/>:<see cref="ServeOptions.Port"/>, dynamic batching,
/// request-size limit, <c>/healthz</c>, request logging and graceful shutdown.
/// </summary>
public sealed class KerasServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KerasServer(WebApplication app, Uri address, ServeOptions options)
    {
        _app = app;
        BaseAddress = address;
        Options = options;
    }

    /// <summary>Where the server listens (the real port when <see cref="ServeOptions.Port"/> is 0).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The options the server runs with.</summary>
    public ServeOptions Options { get; }

    /// <summary>Model calls made so far (each call one dynamic batch).</summary>
    public long Batches => KerasServingEndpoints.Served(_app, Options.ModelName)?.Batcher.Batches ?? 0;

    /// <summary>Rows predicted so far.</summary>
    public long Rows => KerasServingEndpoints.Served(_app, Options.ModelName)?.Batcher.Rows ?? 0;

    /// <summary>The batcher of the served model (tests hold a batch open with it and watch requests being queued).</summary>
    internal DynamicBatcher? Batcher => KerasServingEndpoints.Served(_app, Options.ModelName)?.Batcher;

    /// <summary>The host's lifetime (tests wait on ApplicationStopping to know that a shutdown has begun).</summary>
    internal IHostApplicationLifetime Lifetime => _app.Lifetime;

    /// <summary>
    /// Loads the model (unless <paramref name="model"/> is given), starts listening and returns once requests are accepted;
    /// <paramref name="logging"/> adjusts the logging (console by default, one line per request).
    /// </summary>
    public static async Task<KerasServer> StartAsync(ServeOptions options, Model? model = null, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!IPAddress.TryParse(options.Host, out var address))
        {
            address = options.Host == "localhost" ? IPAddress.Loopback
                : throw new ArgumentException($"ServeOptions.Host '{options.Host}' is not an IP address (use 127.0.0.1, 0.0.0.0, ::1 or ::).", nameof(options));
        }
        model ??= Model.Load(options.ModelPath);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "SharpKeras.Serving" });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(address, options.Port);
            k.AddServerHeader = false;
            // The endpoint enforces MaxRequestBytes itself (answering 413 with a JSON body); Kestrel's cap is the hard stop beyond the drain allowance.
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes + ModelEndpoint.DrainBytes;
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(15));
        // One line per request comes from SharpKeras.Serving; ASP.NET Core's own per-request lines only at warning and above.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (logging is not null)
        {
            logging(builder.Logging);
        }
        var app = builder.Build();
        app.MapKerasModel(model, options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{options.Host}:{options.Port}";
        var uri = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        app.Logger.LogInformation("Serving '{Model}' from {Path} at {Address}v1/models/{Model} (max batch {MaxBatch}, batch timeout {Timeout} ms)",
            options.ModelName, options.ModelPath, uri, options.ModelName, options.MaxBatch, options.BatchTimeoutMs);
        return new KerasServer(app, uri, options);
    }

    /// <summary>Runs a server until <paramref name="cancellationToken"/> fires or the process is asked to stop (Ctrl+C, SIGTERM), then shuts down gracefully.</summary>
    public static async Task RunAsync(ServeOptions options, CancellationToken cancellationToken = default)
    {
        await using var server = await StartAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        await server._app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting connections, lets requests in flight finish (their batches run), then stops.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>Stops the server (gracefully) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
