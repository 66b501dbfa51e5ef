using System.CommandLine;
using SharpKeras.Serving;

namespace SharpKeras.Cli;

/// <summary><c>sharpkeras serve MODEL</c>: serves a model over TensorFlow Serving's REST API until Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    /// <summary>The command with its options, named as TF Serving's model server and the CLI name them.</summary>
    public static Command Build(CancellationToken stop)
    {
        var defaults = new ServeOptions("model.keras");
        var model = new Argument<string>("MODEL") { Description = "The .keras or .h5 model file to serve." };
        var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on (0 picks a free one).", DefaultValueFactory = _ => defaults.Port, HelpName = "PORT" };
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0 or :: to accept other machines).", DefaultValueFactory = _ => defaults.Host, HelpName = "ADDRESS" };
        var name = new Option<string?>("--name", "-n") { Description = "The model's name in URLs (/v1/models/NAME); default: the file name without extension.", HelpName = "NAME" };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most rows one model call runs when requests are batched together (1 turns batching off).", DefaultValueFactory = _ => defaults.MaxBatch, HelpName = "N" };
        var timeout = new Option<int>("--batch-timeout-ms") { Description = "How long the first request of a batch waits for others, in milliseconds (0 turns batching off).", DefaultValueFactory = _ => defaults.BatchTimeoutMs, HelpName = "MS" };
        var maxBytes = new Option<long>("--max-request-bytes") { Description = "Largest request body accepted; larger ones are answered 413.", DefaultValueFactory = _ => defaults.MaxRequestBytes, HelpName = "BYTES" };
        var command = new Command("serve", "Serve the model over TensorFlow Serving's REST API (GET /v1/models/NAME, /metadata, POST :predict) with dynamic batching, until Ctrl+C.")
        {
            model, port, host, name, maxBatch, timeout, maxBytes,
        };
        command.SetAction(r =>
        {
            var options = new ServeOptions(r.GetValue(model)!)
            {
                Port = r.GetValue(port),
                Host = r.GetValue(host)!,
                Name = r.GetValue(name),
                MaxBatch = r.GetValue(maxBatch),
                BatchTimeoutMs = r.GetValue(timeout),
                MaxRequestBytes = r.GetValue(maxBytes),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new CliApp.UsageException(e.Message);
            }
            KerasServer.RunAsync(options, stop).GetAwaiter().GetResult();
            return 0;
        });
        return command;
    }
}
