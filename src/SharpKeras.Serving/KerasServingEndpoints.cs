using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharpKeras.Models;

namespace SharpKeras.Serving;

/// <summary>
/// Maps TensorFlow Serving's REST API for Keras models onto an ASP.NET Core app (<c>app.MapKerasModel(options)</c>):
/// <c>GET /v1/models/NAME</c>, <c>GET /v1/models/NAME/metadata</c>, <c>POST /v1/models/NAME:predict</c>
/// (also under <c>/versions/1</c>) and <c>GET /healthz</c>.
/// </summary>
public static class KerasServingEndpoints
{
    private sealed class Registry
    {
        public Dictionary<string, ModelEndpoint> Models { get; } = new(StringComparer.Ordinal);

        public bool Stopping { get; set; }
    }

    private static readonly ConditionalWeakTable<IEndpointRouteBuilder, Registry> Registries = [];

    /// <summary>Loads the model at <see cref="ServeOptions.ModelPath"/> and serves it under <see cref="ServeOptions.ModelName"/>.</summary>
    public static IEndpointRouteBuilder MapKerasModel(this IEndpointRouteBuilder endpoints, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return endpoints.MapKerasModel(Model.Load(options.ModelPath), options);
    }

    /// <summary>Serves an already loaded <paramref name="model"/> under <see cref="ServeOptions.ModelName"/> (several models may share one app).</summary>
    public static IEndpointRouteBuilder MapKerasModel(this IEndpointRouteBuilder endpoints, Model model, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var logger = endpoints.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("SharpKeras.Serving") ?? NullLogger.Instance;
        bool first = !Registries.TryGetValue(endpoints, out var registry);
        registry ??= Registries.GetValue(endpoints, _ => new Registry());
        lock (registry)
        {
            if (registry.Models.ContainsKey(options.ModelName))
            {
                throw new ArgumentException($"A model named '{options.ModelName}' is already served by this app; give ServeOptions.Name another name.", nameof(options));
            }
            registry.Models[options.ModelName] = new ModelEndpoint(options.ModelName, model, options, logger);
        }
        if (!first)
        {
            return endpoints;
        }
        if (endpoints.ServiceProvider.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            // Stopping: health turns 503 while Kestrel lets requests in flight finish; stopped: the batchers drain and end.
            lifetime.ApplicationStopping.Register(() => registry.Stopping = true);
            lifetime.ApplicationStopped.Register(() =>
            {
                foreach (var m in registry.Models.Values)
                {
                    m.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            });
        }
        ModelEndpoint Find(HttpContext context, string name, string? version)
        {
            ModelEndpoint? m;
            lock (registry)
            {
                registry.Models.TryGetValue(name, out m);
            }
            if (m is null || version is not (null or "1"))
            {
                throw new ServingException(404, version is null
                    ? $"Servable not found for request: Latest({name})"
                    : $"Servable not found for request: Specific({name}, {version})");
            }
            return m;
        }
        RequestDelegate Status(bool versioned) => ctx => ModelEndpoint.HandleAsync(ctx, logger, c =>
        {
            var m = Find(c, (string)c.Request.RouteValues["name"]!, versioned ? (string?)c.Request.RouteValues["version"] : null);
            return c.Response.WriteAsJsonAsync(m.Status(), ServingJsonContext.Default.ModelStatusResponse);
        });
        RequestDelegate Metadata(bool versioned) => ctx => ModelEndpoint.HandleAsync(ctx, logger, c =>
        {
            var m = Find(c, (string)c.Request.RouteValues["name"]!, versioned ? (string?)c.Request.RouteValues["version"] : null);
            return c.Response.WriteAsJsonAsync(m.Metadata(), ServingJsonContext.Default.MetadataResponse);
        });
        RequestDelegate Call(bool versioned) => ctx => ModelEndpoint.HandleAsync(ctx, logger, c =>
        {
            var call = (string)c.Request.RouteValues["call"]!;
            int colon = call.LastIndexOf(':');
            if (colon < 0)
            {
                throw new ServingException(404, $"Unknown call '{call}': POST to /v1/models/NAME:predict.");
            }
            string target = call[..colon], verb = call[(colon + 1)..];
            var m = versioned ? Find(c, (string)c.Request.RouteValues["name"]!, target) : Find(c, target, null);
            if (verb != "predict")
            {
                throw new ServingException(400, $"'{verb}' is not supported: this server answers :predict (the Keras model has no classify or regress signature).");
            }
            if (registry.Stopping || !m.Batcher.Accepting)
            {
                throw new ServingException(503, "The server is shutting down; the request was not run.");
            }
            return m.PredictAsync(c);
        });
        endpoints.MapGet("/v1/models/{name}", Status(false));
        endpoints.MapGet("/v1/models/{name}/versions/{version}", Status(true));
        endpoints.MapGet("/v1/models/{name}/metadata", Metadata(false));
        endpoints.MapGet("/v1/models/{name}/versions/{version}/metadata", Metadata(true));
        endpoints.MapPost("/v1/models/{call}", Call(false));
        endpoints.MapPost("/v1/models/{name}/versions/{call}", Call(true));
        endpoints.MapGet("/healthz", ctx =>
        {
            bool ok = !registry.Stopping;
            ctx.Response.StatusCode = ok ? 200 : 503;
            ctx.Response.ContentType = "text/plain";
            return ctx.Response.WriteAsync(ok ? "ok\n" : "shutting down\n");
        });
        return endpoints;
    }

    /// <summary>The served model named <paramref name="name"/> in <paramref name="endpoints"/> (tests and the load benchmark read its batch counters).</summary>
    internal static ModelEndpoint? Served(IEndpointRouteBuilder endpoints, string name)
    {
        if (!Registries.TryGetValue(endpoints, out var registry))
        {
            return null;
        }
        lock (registry)
        {
            return registry.Models.GetValueOrDefault(name);
        }
    }
}
