// The TorchSharp peer: reads one JSON job per line on stdin, runs it with TorchSharp (libtorch on the
// CPU) and answers one JSON line on stdout. The harness (bench/SharpKeras.Bench) starts it once per
// suite and alternates its jobs with SharpKeras's own runs. Jobs: "gemm" (torch.mm timings),
// "train" (a Keras-shaped model trained with the harness's data files, optionally timed at inference) and
// "release" (freed memory back to the OS before the harness reads the next job's peak).
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

var stdout = Console.Out;
Console.SetOut(Console.Error); // anything TorchSharp prints goes to stderr; stdout carries the protocol only
try
{
    _ = torch.ones(1); // loads libtorch now, so a load failure is reported in the hello line
    stdout.WriteLine(new JsonObject
    {
        ["ready"] = true,
        ["framework"] = "TorchSharp",
        ["version"] = typeof(torch).Assembly.GetName().Version?.ToString(),
        ["libtorch"] = torch.__version__,
    }.ToJsonString());
}
catch (Exception e)
{
    stdout.WriteLine(new JsonObject { ["ready"] = false, ["error"] = Flatten(e) }.ToJsonString());
    return 1;
}
stdout.Flush();

string? line;
while ((line = Console.In.ReadLine()) is not null)
{
    if (line.Length == 0)
    {
        continue;
    }
    JsonObject answer;
    try
    {
        var job = JsonNode.Parse(line)!.AsObject();
        torch.set_num_threads(job["threads"]!.GetValue<int>());
        answer = job["kind"]!.GetValue<string>() switch
        {
            "gemm" => Peer.Gemm(job),
            "train" => Peer.Train(job),
            "release" => Peer.Release(),
            var k => throw new InvalidOperationException($"unknown job kind '{k}'"),
        };
    }
    catch (Exception e)
    {
        answer = new JsonObject { ["error"] = Flatten(e) };
    }
    stdout.WriteLine(answer.ToJsonString());
    stdout.Flush();
}
return 0;

static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " <- " + Flatten(e.InnerException);

internal static class Peer
{
    /// <summary>
    /// Gives memory the earlier jobs freed back to the OS: the GC (whose finalizers free tensors not disposed) in
    /// aggressive mode, then glibc's malloc_trim for libtorch's freed blocks; so the resident set the harness reads
    /// before the next job, and that job's peak, are not the earlier jobs' leftovers.
    /// </summary>
    public static JsonObject Release()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        bool trimmed;
        try
        {
            trimmed = MallocTrim(0) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            trimmed = false; // not glibc: nothing to trim with
        }
        return new JsonObject { ["released"] = true, ["trimmed"] = trimmed };
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    /// <summary>Times torch.mm on op(A) op(B) with operands in the layout the job names.</summary>
    public static JsonObject Gemm(JsonObject job)
    {
        int m = Int(job, "m"), n = Int(job, "n"), k = Int(job, "k"), reps = Int(job, "reps");
        bool transA = job["transA"]!.GetValue<bool>(), transB = job["transB"]!.GetValue<bool>();
        manual_seed(1);
        using var a = transA ? randn(k, m) : randn(m, k);
        using var b = transB ? randn(n, k) : randn(k, n);
        var at = transA ? a.t() : a;
        var bt = transB ? b.t() : b;
        using (var warm = at.mm(bt)) { } // warm-up (libtorch's allocator keeps the result buffer for reuse)
        var seconds = new JsonArray();
        for (int r = 0; r < reps; r++)
        {
            var clock = Stopwatch.StartNew();
            using var c = at.mm(bt);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return new JsonObject { ["seconds"] = seconds };
    }

    /// <summary>Trains the job's model as Keras's fit would (shuffled batches, per-epoch loss and accuracy).</summary>
    public static JsonObject Train(JsonObject job)
    {
        manual_seed(Int(job, "seed"));
        var xShape = job["xShape"]!.AsArray().Select(v => (long)v!.GetValue<int>()).ToArray();
        long samples = xShape[0];
        using var x = ReadTensor<float>(job["x"]!.GetValue<string>(), xShape, ScalarType.Float32);
        using var y32 = ReadTensor<int>(job["y"]!.GetValue<string>(), [samples], ScalarType.Int32);
        using var y = y32.to(ScalarType.Int64);
        var model = BuildModel(job["layers"]!.AsArray(), xShape.Skip(1).ToArray());
        var opt = job["optimizer"]!.AsObject();
        var parameters = model.parameters();
        optim.Optimizer optimizer = opt["name"]!.GetValue<string>() switch
        {
            "adam" => optim.Adam(parameters, Dbl(opt, "learning_rate"), Dbl(opt, "beta_1"), Dbl(opt, "beta_2"), Dbl(opt, "epsilon")),
            "rmsprop" => optim.RMSProp(parameters, Dbl(opt, "learning_rate"), alpha: Dbl(opt, "rho"), eps: Dbl(opt, "epsilon")),
            "adadelta" => optim.Adadelta(parameters, Dbl(opt, "learning_rate"), Dbl(opt, "rho"), Dbl(opt, "epsilon")),
            "sgd" => optim.SGD(parameters, Dbl(opt, "learning_rate")),
            var name => throw new InvalidOperationException($"optimizer '{name}' is not implemented in the TorchSharp peer"),
        };
        int batch = Int(job, "batchSize"), epochs = Int(job, "epochs");
        var epochSeconds = new JsonArray();
        var losses = new JsonArray();
        var accuracies = new JsonArray();
        var fitClock = Stopwatch.StartNew();
        for (int e = 0; e < epochs; e++)
        {
            var epochClock = Stopwatch.StartNew();
            model.train();
            using var order = randperm(samples);
            using var lossSum = zeros(1);
            using var correct = zeros(1, ScalarType.Int64);
            for (long start = 0; start < samples; start += batch)
            {
                using var scope = NewDisposeScope();
                long end = Math.Min(samples, start + batch);
                var idx = order.slice(0, start, end, 1);
                var xb = x.index_select(0, idx);
                var yb = y.index_select(0, idx);
                optimizer.zero_grad();
                var logits = model.forward(xb);
                var loss = nn.functional.cross_entropy(logits, yb);
                loss.backward();
                optimizer.step();
                using (no_grad())
                {
                    lossSum.add_(loss.detach() * (end - start));
                    correct.add_(logits.argmax(1).eq(yb).sum());
                }
            }
            losses.Add(lossSum.item<float>() / samples);
            accuracies.Add((double)correct.item<long>() / samples);
            epochSeconds.Add(epochClock.Elapsed.TotalSeconds);
        }
        double fitSeconds = fitClock.Elapsed.TotalSeconds;
        var answer = new JsonObject
        {
            ["fitSeconds"] = fitSeconds,
            ["epochSeconds"] = epochSeconds,
            ["loss"] = losses,
            ["accuracy"] = accuracies,
        };
        int inferBatch = job["inferenceBatch"]?.GetValue<int>() ?? 0;
        if (inferBatch > 0)
        {
            model.eval();
            using var noGrad = no_grad();
            for (int pass = 0; pass < 2; pass++) // first pass warms up, second is timed
            {
                var clock = Stopwatch.StartNew();
                for (long start = 0; start < samples; start += inferBatch)
                {
                    using var scope = NewDisposeScope();
                    var xb = x.slice(0, start, Math.Min(samples, start + inferBatch), 1);
                    _ = softmax(model.forward(xb), 1);
                }
                answer["inferenceSeconds"] = clock.Elapsed.TotalSeconds;
            }
            answer["inferenceSamples"] = samples;
        }
        return answer;
    }

    /// <summary>
    /// The Keras model the harness describes, in TorchSharp. Inputs arrive channels-last (Keras's NHWC);
    /// images are permuted to NCHW once, at the model's input.
    /// </summary>
    private static nn.Module<Tensor, Tensor> BuildModel(JsonArray layers, long[] inputShape)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        long[] shape = inputShape; // per sample: [features], [steps, features], [H, W, C], or after the permute [C, H, W]
        bool nchw = false;
        int i = 0;
        foreach (var node in layers)
        {
            var l = node!.AsObject();
            string type = l["type"]!.GetValue<string>();
            switch (type)
            {
                case "flatten":
                    modules.Add(($"flatten_{i}", nn.Flatten()));
                    shape = [shape.Aggregate(1L, (p, d) => p * d)];
                    break;
                case "dense":
                    if (shape.Length != 1)
                    {
                        throw new InvalidOperationException("dense on a non-flat input is not implemented in the TorchSharp peer");
                    }
                    long units = Int(l, "units");
                    var linear = nn.Linear(shape[0], units);
                    using (no_grad())
                    {
                        nn.init.xavier_uniform_(linear.weight!); // Keras's glorot_uniform kernel
                        nn.init.zeros_(linear.bias!);            // and zeros bias
                    }
                    modules.Add(($"dense_{i}", linear));
                    shape = [units];
                    AddActivation(modules, l, i);
                    break;
                case "conv2d":
                    if (!nchw)
                    {
                        modules.Add(($"to_nchw_{i}", new Permute("to_nchw", 0, 3, 1, 2)));
                        shape = [shape[2], shape[0], shape[1]];
                        nchw = true;
                    }
                    long filters = Int(l, "filters"), k = Int(l, "kernel_size");
                    bool same = l["padding"]?.GetValue<string>() == "same";
                    var conv = nn.Conv2d(shape[0], filters, k, padding: same ? k / 2 : 0);
                    using (no_grad())
                    {
                        nn.init.xavier_uniform_(conv.weight!);
                        nn.init.zeros_(conv.bias!);
                    }
                    modules.Add(($"conv2d_{i}", conv));
                    shape = [filters, same ? shape[1] : shape[1] - k + 1, same ? shape[2] : shape[2] - k + 1];
                    AddActivation(modules, l, i);
                    break;
                case "max_pooling2d":
                    long pool = Int(l, "pool_size");
                    modules.Add(($"max_pooling2d_{i}", nn.MaxPool2d(pool)));
                    shape = [shape[0], shape[1] / pool, shape[2] / pool];
                    break;
                case "lstm":
                case "gru":
                    if (shape.Length != 2)
                    {
                        throw new InvalidOperationException($"{type} needs (steps, features) input");
                    }
                    long hidden = Int(l, "units");
                    modules.Add(($"{type}_{i}", new LastStep($"{type}_{i}", type, shape[1], hidden)));
                    shape = [hidden];
                    break;
                case "time_distributed_lstm":
                    if (shape.Length != 3)
                    {
                        throw new InvalidOperationException($"{type} needs (rows, steps, features) input");
                    }
                    long rowHidden = Int(l, "units");
                    modules.Add(($"{type}_{i}", new TimeDistributed($"{type}_{i}", new LastStep($"lstm_{i}", "lstm", shape[2], rowHidden))));
                    shape = [shape[0], rowHidden];
                    break;
                case "dropout":
                    modules.Add(($"dropout_{i}", nn.Dropout(Dbl(l, "rate"))));
                    break;
                case "token_and_position_embedding":
                    long embedDim = Int(l, "units");
                    modules.Add(($"{type}_{i}", new TokenAndPositionEmbedding($"{type}_{i}", shape[^1], Int(l, "input_dim"), embedDim)));
                    shape = [shape[^1], embedDim];
                    break;
                case "transformer_block":
                    if (shape.Length != 2)
                    {
                        throw new InvalidOperationException($"{type} needs (steps, features) input");
                    }
                    modules.Add(($"{type}_{i}", new TransformerBlock($"{type}_{i}", shape[1], Int(l, "num_heads"), Int(l, "ff_dim"), Dbl(l, "rate"))));
                    break;
                case "global_average_pooling1d":
                    modules.Add(($"{type}_{i}", new GlobalAveragePooling1D($"{type}_{i}")));
                    shape = [shape[^1]];
                    break;
                case "babi_encoder":
                    modules.Add(($"{type}_{i}", new BabiEncoder($"{type}_{i}", Int(l, "story_length"), Int(l, "input_dim"), Int(l, "embed_dim"), Int(l, "units"))));
                    shape = [2L * Int(l, "units")];
                    break;
                default:
                    throw new InvalidOperationException($"layer '{type}' is not implemented in the TorchSharp peer");
            }
            i++;
        }
        return nn.Sequential(modules);
    }

    private static void AddActivation(List<(string, nn.Module<Tensor, Tensor>)> modules, JsonObject l, int i)
    {
        string act = l["activation"]?.GetValue<string>() ?? "linear";
        switch (act)
        {
            case "relu": modules.Add(($"relu_{i}", nn.ReLU())); break;
            case "tanh": modules.Add(($"tanh_{i}", nn.Tanh())); break;
            case "sigmoid": modules.Add(($"sigmoid_{i}", nn.Sigmoid())); break;
            case "linear": break;
            case "softmax": break; // folded into cross_entropy (training) and applied at inference
            default: throw new InvalidOperationException($"activation '{act}' is not implemented in the TorchSharp peer");
        }
    }

    private static Tensor ReadTensor<T>(string path, long[] shape, ScalarType type) where T : unmanaged
    {
        var bytes = File.ReadAllBytes(path);
        var values = MemoryMarshal.Cast<byte, T>(bytes).ToArray();
        long count = shape.Aggregate(1L, (p, d) => p * d);
        if (values.Length != count)
        {
            throw new InvalidDataException($"{path}: {values.Length} values, expected {count} for shape [{string.Join(", ", shape)}]");
        }
        return typeof(T) == typeof(float)
            ? torch.tensor((float[])(object)values, shape, ScalarType.Float32)
            : torch.tensor((int[])(object)values, shape, type);
    }

    private static int Int(JsonObject o, string name) => o[name]!.GetValue<int>();

    private static double Dbl(JsonObject o, string name) => o[name]!.GetValue<double>();
}

/// <summary>Reorders axes (NHWC to NCHW at the input of a convolutional model).</summary>
internal sealed class Permute : nn.Module<Tensor, Tensor>
{
    private readonly long[] _dims;

    public Permute(string name, params long[] dims) : base(name) => _dims = dims;

    public override Tensor forward(Tensor x) => x.permute(_dims);
}

/// <summary>Keras's TimeDistributed: the rows (axis 1) folded into the batch, the inner module run once, then unfolded.</summary>
internal sealed class TimeDistributed : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _inner;

    public TimeDistributed(string name, nn.Module<Tensor, Tensor> inner) : base(name)
    {
        _inner = inner;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1];
        var y = _inner.forward(x.reshape([b * t, .. x.shape[2..]]));
        return y.reshape([b, t, .. y.shape[1..]]);
    }
}

/// <summary>
/// An LSTM or GRU returning only its last output, as Keras's with return_sequences=False, initialised as
/// Keras does: glorot_uniform kernel, orthogonal recurrent kernel, zero biases, LSTM forget-gate bias 1.
/// </summary>
internal sealed class LastStep : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.LSTM? _lstm;
    private readonly TorchSharp.Modules.GRU? _gru;

    public LastStep(string name, string kind, long inputSize, long hidden) : base(name)
    {
        nn.Module rnn;
        if (kind == "lstm")
        {
            rnn = _lstm = nn.LSTM(inputSize, hidden, batchFirst: true);
        }
        else
        {
            rnn = _gru = nn.GRU(inputSize, hidden, batchFirst: true);
        }
        using (no_grad())
        {
            foreach (var (pname, p) in rnn.named_parameters())
            {
                if (pname.StartsWith("weight_ih", StringComparison.Ordinal))
                {
                    nn.init.xavier_uniform_(p);
                }
                else if (pname.StartsWith("weight_hh", StringComparison.Ordinal))
                {
                    nn.init.orthogonal_(p);
                }
                else
                {
                    nn.init.zeros_(p);
                    if (kind == "lstm" && pname.StartsWith("bias_ih", StringComparison.Ordinal))
                    {
                        p.narrow(0, hidden, hidden).fill_(1.0);
                    }
                }
            }
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor output = _lstm is not null ? _lstm.forward(x).Item1 : _gru!.forward(x).Item1;
        return output.select(1, -1);
    }
}

/// <summary>
/// keras/examples/babi_rnn.py's two encoders on one row: the first storyLength ids are the story, the rest the
/// question; each through its own Embedding (Keras's uniform(-0.05, 0.05)) and LSTM (last output), concatenated.
/// </summary>
internal sealed class BabiEncoder : nn.Module<Tensor, Tensor>
{
    private readonly long _storyLength;
    private readonly TorchSharp.Modules.Embedding _storyEmb;
    private readonly TorchSharp.Modules.Embedding _questionEmb;
    private readonly LastStep _storyRnn;
    private readonly LastStep _questionRnn;

    public BabiEncoder(string name, long storyLength, long vocabSize, long embedDim, long units) : base(name)
    {
        _storyLength = storyLength;
        _storyEmb = nn.Embedding(vocabSize, embedDim);
        _questionEmb = nn.Embedding(vocabSize, embedDim);
        using (no_grad())
        {
            nn.init.uniform_(_storyEmb.weight!, -0.05, 0.05);
            nn.init.uniform_(_questionEmb.weight!, -0.05, 0.05);
        }
        _storyRnn = new LastStep("story_lstm", "lstm", embedDim, units);
        _questionRnn = new LastStep("question_lstm", "lstm", embedDim, units);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var ids = x.to_type(ScalarType.Int64);
        var story = _storyRnn.forward(_storyEmb.forward(ids.narrow(1, 0, _storyLength)));
        var question = _questionRnn.forward(_questionEmb.forward(ids.narrow(1, _storyLength, ids.shape[1] - _storyLength)));
        return torch.cat([story, question], 1);
    }
}
