using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SharpKeras.Models;

namespace SharpKeras.Serving;

/// <summary>One served model: its signature, its batcher, and the handlers of TF Serving's REST calls for it.</summary>
internal sealed class ModelEndpoint(string name, Model model, ServeOptions options, ILogger logger) : IAsyncDisposable
{
    public string Name { get; } = name;

    public ModelSignature Signature { get; } = ModelSignature.Of(model);

    public DynamicBatcher Batcher { get; } = new(model, options.MaxBatch, options.BatchTimeoutMs, logger);

    public ServeOptions Options { get; } = options;

    public ModelStatusResponse Status() => new([new ModelVersionStatus("1", Batcher.Accepting ? "AVAILABLE" : "END", new StatusCode("OK", ""))]);

    public MetadataResponse Metadata()
    {
        static TensorInfo Info(TensorSpec t, string prefix) => new(
            t.TfDType,
            new TensorShape([.. t.Shape.Select(d => new Dim(d.ToString(System.Globalization.CultureInfo.InvariantCulture), ""))], false),
            $"{prefix}{t.Name}:0");
        var sig = new SignatureDef(
            Signature.Inputs.ToDictionary(t => t.Name, t => Info(t, "serving_default_")),
            Signature.Outputs.ToDictionary(t => t.Name, t => Info(t, "StatefulPartitionedCall_")),
            "tensorflow/serving/predict");
        return new MetadataResponse(new ModelSpec(Name, "", "1"),
            new MetadataBody(new SignatureDefMap(new Dictionary<string, SignatureDef> { ["serving_default"] = sig })));
    }

    /// <summary>Handles <c>POST /v1/models/NAME:predict</c>: row ("instances") or columnar ("inputs") request, same format back.</summary>
    public async Task PredictAsync(HttpContext context)
    {
        Task<OutputSlice[]> pending;
        bool rows;
        Batcher.Arriving();
        try
        {
            (pending, rows) = await ParseAndQueueAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Batcher.Left();
        }
        var outputs = await pending.ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (rows)
            {
                WritePredictions(w, outputs);
            }
            else
            {
                WriteOutputs(w, outputs);
            }
            w.WriteEndObject();
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the request, then queues it; returns the pending outputs and whether it was row format.</summary>
    private async Task<(Task<OutputSlice[]> Outputs, bool Rows)> ParseAndQueueAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw TensorJson.Bad($"The request body is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw TensorJson.Bad($"The request body must be a JSON object with \"instances\" or \"inputs\", got a JSON {TensorJson.Kind(root)}.");
            }
            bool rows = root.TryGetProperty("instances", out var instances);
            bool columns = root.TryGetProperty("inputs", out var inputs);
            if (rows == columns)
            {
                throw TensorJson.Bad(rows
                    ? "The request has both \"instances\" (row format) and \"inputs\" (columnar format); send one."
                    : "The request must have \"instances\" (row format) or \"inputs\" (columnar format).");
            }
            var tensors = rows ? FromInstances(instances) : FromInputs(inputs);
            context.Items["sharpkeras.rows"] = tensors[0].Shape[0];
            return (Batcher.PredictAsync(tensors), rows);
        }
    }

    private Tensor[] FromInstances(JsonElement instances)
    {
        if (instances.ValueKind != JsonValueKind.Array)
        {
            throw TensorJson.Bad($"\"instances\" must be a list of rows, got a JSON {TensorJson.Kind(instances)}.");
        }
        var list = instances.EnumerateArray().ToList();
        if (list.Count == 0)
        {
            throw TensorJson.Bad("\"instances\" is empty; send at least one row.");
        }
        var specs = Signature.Inputs;
        bool named = list[0].ValueKind == JsonValueKind.Object;
        if (!named)
        {
            if (specs.Length > 1)
            {
                throw TensorJson.Bad($"The model has {specs.Length} inputs ({string.Join(", ", specs.Select(s => s.Name))}); each instance must be an object naming them.");
            }
            return [TensorJson.Parse(list, specs[0])];
        }
        var result = new Tensor[specs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            var column = new List<JsonElement>(list.Count);
            for (int r = 0; r < list.Count; r++)
            {
                if (list[r].ValueKind != JsonValueKind.Object || !list[r].TryGetProperty(specs[i].Name, out var v))
                {
                    throw TensorJson.Bad($"instance {r} has no input '{specs[i].Name}' (the model's inputs: {string.Join(", ", specs.Select(s => s.Name))}).");
                }
                column.Add(v);
            }
            result[i] = TensorJson.Parse(column, specs[i]);
        }
        RejectUnknownNames(list[0], specs);
        return result;
    }

    private Tensor[] FromInputs(JsonElement inputs)
    {
        var specs = Signature.Inputs;
        Tensor[] result;
        if (inputs.ValueKind != JsonValueKind.Object)
        {
            if (specs.Length > 1)
            {
                throw TensorJson.Bad($"The model has {specs.Length} inputs ({string.Join(", ", specs.Select(s => s.Name))}); \"inputs\" must be an object naming them.");
            }
            result = [TensorJson.ParseBatch(inputs, specs[0])];
        }
        else
        {
            result = new Tensor[specs.Length];
            for (int i = 0; i < specs.Length; i++)
            {
                if (!inputs.TryGetProperty(specs[i].Name, out var v))
                {
                    throw TensorJson.Bad($"\"inputs\" has no input '{specs[i].Name}' (the model's inputs: {string.Join(", ", specs.Select(s => s.Name))}).");
                }
                result[i] = TensorJson.ParseBatch(v, specs[i]);
            }
            RejectUnknownNames(inputs, specs);
        }
        for (int i = 1; i < result.Length; i++)
        {
            if (result[i].Shape[0] != result[0].Shape[0])
            {
                throw TensorJson.Bad($"Inputs have different batch sizes: '{specs[0].Name}' has {result[0].Shape[0]} rows, '{specs[i].Name}' has {result[i].Shape[0]}.");
            }
        }
        return result;
    }

    private static void RejectUnknownNames(JsonElement obj, TensorSpec[] specs)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!specs.Any(s => s.Name == p.Name))
            {
                throw TensorJson.Bad($"'{p.Name}' is not an input of the model (its inputs: {string.Join(", ", specs.Select(s => s.Name))}).");
            }
        }
    }

    private void WritePredictions(Utf8JsonWriter w, OutputSlice[] outputs)
    {
        w.WritePropertyName("predictions");
        w.WriteStartArray();
        int n = outputs[0].Shape[0];
        for (int r = 0; r < n; r++)
        {
            if (outputs.Length == 1)
            {
                WriteRow(w, outputs[0], r);
                continue;
            }
            w.WriteStartObject();
            for (int k = 0; k < outputs.Length; k++)
            {
                w.WritePropertyName(Signature.Outputs[k].Name);
                WriteRow(w, outputs[k], r);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter w, OutputSlice o, int row)
    {
        int per = o.Shape[0] == 0 ? 0 : o.Data.Length / o.Shape[0];
        TensorJson.WriteNested(w, o.Data.AsSpan(row * per, per), o.Shape.AsSpan(1));
    }

    private void WriteOutputs(Utf8JsonWriter w, OutputSlice[] outputs)
    {
        w.WritePropertyName("outputs");
        if (outputs.Length == 1)
        {
            TensorJson.WriteNested(w, outputs[0].Data, outputs[0].Shape);
            return;
        }
        w.WriteStartObject();
        for (int k = 0; k < outputs.Length; k++)
        {
            w.WritePropertyName(Signature.Outputs[k].Name);
            TensorJson.WriteNested(w, outputs[k].Data, outputs[k].Shape);
        }
        w.WriteEndObject();
    }

    /// <summary>Bytes of an oversized body still read (and dropped) before answering 413, so that the client has finished sending and sees the answer rather than a reset connection.</summary>
    internal const long DrainBytes = 1L << 20;

    /// <summary>Reads the body, refusing (413) one larger than <see cref="ServeOptions.MaxRequestBytes"/> before and while reading.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        long max = Options.MaxRequestBytes;
        string tooLarge = $"The request body is more than the limit of {max:N0} bytes (ServeOptions.MaxRequestBytes).";
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + DrainBytes;
        }
        if (context.Request.ContentLength is long declared && declared > max)
        {
            if (declared <= max + DrainBytes)
            {
                await DrainAsync(context).ConfigureAwait(false);
            }
            throw new ServingException(413, $"The request body is {declared:N0} bytes, more than the limit of {max:N0} (ServeOptions.MaxRequestBytes).");
        }
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(context.Request.ContentLength ?? 16384, max) + 1);
        try
        {
            while (true)
            {
                var span = buffer.GetMemory(16384);
                int n = await context.Request.Body.ReadAsync(span, context.RequestAborted).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                buffer.Advance(n);
                if (buffer.WrittenCount > max)
                {
                    await DrainAsync(context).ConfigureAwait(false);
                    throw new ServingException(413, tooLarge);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            throw new ServingException(413, tooLarge);
        }
        return buffer.WrittenMemory;
    }

    /// <summary>Reads and drops the rest of the body (the server's body limit stops a client that sends far more).</summary>
    private static async Task DrainAsync(HttpContext context)
    {
        var sink = new byte[16384];
        try
        {
            while (await context.Request.Body.ReadAsync(sink, context.RequestAborted).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the drain allowance: answer anyway; the connection closes after the response.
        }
    }

    public ValueTask DisposeAsync() => Batcher.DisposeAsync();

    /// <summary>Time and logs a request, answering a refused one with TF Serving's <c>{"error": ...}</c> body and status.</summary>
    public static async Task HandleAsync(HttpContext context, ILogger logger, Func<HttpContext, Task> handler)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (ServingException e)
        {
            await WriteErrorAsync(context, e.Status, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499;
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, 500, $"Internal error: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            logger.LogInformation("{Method} {Path} {Status} {Rows} rows {Ms:F2} ms", context.Request.Method, context.Request.Path.Value,
                context.Response.StatusCode, context.Items.TryGetValue("sharpkeras.rows", out var rows) ? rows : 0, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        // Not the request's token: a refused oversized body may already have aborted it, and the client still deserves the answer.
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorResponse(message), ServingJsonContext.Default.ErrorResponse, CancellationToken.None).ConfigureAwait(false);
    }
}
