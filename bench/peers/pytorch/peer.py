"""The PyTorch peer of the SharpKeras benchmark harness.

Reads one JSON job per line on stdin, runs it with PyTorch on the CPU and answers one JSON line on
stdout (the same protocol as the TorchSharp peer in ../torchsharp). Jobs: "gemm" (torch.mm timings),
"train" (a Keras-shaped model trained on the harness's raw float32/int32 data files, optionally
timed at inference) and "release" (freed memory back to the OS before the harness reads the next job's peak). Started once per suite by bench/SharpKeras.Bench; not meant to be run by hand
except for debugging: `echo '{"kind":"gemm",...}' | python3 peer.py`.
"""
import json
import sys
import time


def hello():
    try:
        import numpy  # noqa: F401
        import torch
    except Exception as e:  # the harness shows this as the reason the peer was skipped
        print(json.dumps({"ready": False, "error": f"{type(e).__name__}: {e}"}), flush=True)
        sys.exit(1)
    print(json.dumps({"ready": True, "framework": "PyTorch", "version": f"{torch.__version__} (BLAS: {blas()})",
                      "python": sys.version.split()[0]}), flush=True)


def blas():
    """Which BLAS torch's matrix multiplies reach: Debian's torch is built with BLAS_INFO=generic and calls
    whatever libblas.so.3 the alternatives system points at (the reference BLAS unless OpenBLAS is installed)."""
    import os
    import torch
    config = torch.__config__.show()
    if "BLAS_INFO=mkl" in config:
        return "MKL"
    for path in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
        if os.path.exists(path):
            target = os.path.realpath(path)
            return "OpenBLAS" if "openblas" in target else f"reference BLAS ({target})"
    return "unknown"


def release():
    """Gives memory the earlier jobs freed back to the OS (Python's collector, then glibc's malloc_trim), so the
    resident set the harness reads before the next job, and that job's peak, are not the earlier jobs' leftovers."""
    import ctypes
    import gc
    gc.collect()
    try:
        trimmed = bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):  # not glibc: nothing to trim with
        trimmed = False
    return {"released": True, "trimmed": trimmed}


def set_threads(n):
    """torch.set_num_threads bounds torch's own thread pool; a system OpenBLAS (Debian's torch reaches its
    matrix multiplies through libblas.so.3) keeps its own pool, bounded here as well."""
    import ctypes
    import torch
    torch.set_num_threads(n)
    try:
        blas = ctypes.CDLL("libblas.so.3")
    except OSError:
        return
    if hasattr(blas, "openblas_set_num_threads"):
        blas.openblas_set_num_threads(ctypes.c_int(n))


def gemm(job):
    import torch
    m, n, k, reps = job["m"], job["n"], job["k"], job["reps"]
    torch.manual_seed(1)
    a = torch.randn(k, m).t() if job["transA"] else torch.randn(m, k)
    b = torch.randn(n, k).t() if job["transB"] else torch.randn(k, n)
    out = torch.empty(m, n)
    torch.mm(a, b, out=out)  # warm-up
    seconds = []
    for _ in range(reps):
        t = time.perf_counter()
        torch.mm(a, b, out=out)
        seconds.append(time.perf_counter() - t)
    return {"seconds": seconds}


def _time_distributed(inner):
    """Keras's TimeDistributed: the rows (axis 1) folded into the batch, the inner module run once, then unfolded."""
    from torch import nn

    class TimeDistributed(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            b, t = x.shape[0], x.shape[1]
            y = self.inner(x.reshape(b * t, *x.shape[2:]))
            return y.reshape(b, t, *y.shape[1:])

    return TimeDistributed()


def _last_step(rnn):
    """A recurrent module returning only its last output, as a Keras LSTM/GRU with return_sequences=False."""
    from torch import nn

    class LastStep(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = rnn

        def forward(self, x):
            out, _ = self.rnn(x)
            return out[:, -1, :]

    return LastStep()


def _dense(inputs, units):
    """A Linear initialised as Keras's Dense: glorot_uniform kernel, zeros bias."""
    import torch
    from torch import nn
    linear = nn.Linear(inputs, units)
    with torch.no_grad():
        nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
    return linear


def _token_and_position_embedding(maxlen, vocab_size, embed_dim):
    """keras-io's TokenAndPositionEmbedding: word ids (the harness's floats, cast to int64) through a token
    Embedding plus a learned position Embedding, both initialised uniform(-0.05, 0.05) as Keras's."""
    import torch
    from torch import nn

    class TokenAndPositionEmbedding(nn.Module):
        def __init__(self):
            super().__init__()
            self.token_emb = nn.Embedding(vocab_size, embed_dim)
            self.pos_emb = nn.Embedding(maxlen, embed_dim)
            with torch.no_grad():
                nn.init.uniform_(self.token_emb.weight, -0.05, 0.05)
                nn.init.uniform_(self.pos_emb.weight, -0.05, 0.05)

        def forward(self, x):
            ids = x.long()
            positions = torch.arange(0, ids.shape[-1], 1, dtype=torch.long)
            return self.token_emb(ids) + self.pos_emb(positions)

    return TokenAndPositionEmbedding()


def _transformer_block(embed_dim, num_heads, ff_dim, rate):
    """keras-io's TransformerBlock. Keras's MultiHeadAttention has key_dim = embed_dim per head (heads wider than
    the model), which nn.MultiheadAttention cannot express, so the projections are written out."""
    import math
    import torch
    from torch import nn

    class TransformerBlock(nn.Module):
        def __init__(self):
            super().__init__()
            inner = num_heads * embed_dim
            self.query, self.key, self.value = _dense(embed_dim, inner), _dense(embed_dim, inner), _dense(embed_dim, inner)
            self.output = _dense(inner, embed_dim)
            self.ffn1, self.ffn2 = _dense(embed_dim, ff_dim), _dense(ff_dim, embed_dim)
            self.layernorm1 = nn.LayerNorm(embed_dim, eps=1e-6)
            self.layernorm2 = nn.LayerNorm(embed_dim, eps=1e-6)
            self.dropout1, self.dropout2 = nn.Dropout(rate), nn.Dropout(rate)

        def forward(self, x):
            b, t = x.shape[0], x.shape[1]

            def heads(y):
                return y.reshape(b, t, num_heads, embed_dim).transpose(1, 2)

            q = heads(self.query(x)) * (1.0 / math.sqrt(embed_dim))
            k, v = heads(self.key(x)), heads(self.value(x))
            scores = torch.softmax(q @ k.transpose(-2, -1), -1)
            attention = (scores @ v).transpose(1, 2).reshape(b, t, num_heads * embed_dim)
            out1 = self.layernorm1(x + self.dropout1(self.output(attention)))
            ffn_output = self.dropout2(self.ffn2(torch.relu(self.ffn1(out1))))
            return self.layernorm2(out1 + ffn_output)

    return TransformerBlock()


def _global_average_pooling1d():
    """Keras's GlobalAveragePooling1D: the mean over the steps (axis 1)."""
    from torch import nn

    class GlobalAveragePooling1D(nn.Module):
        def forward(self, x):
            return x.mean(1)

    return GlobalAveragePooling1D()


def _babi_encoder(story_length, vocab_size, embed_dim, units):
    """keras/examples/babi_rnn.py's two encoders on one row: the first story_length ids are the story, the rest the
    question; each through its own Embedding (Keras's uniform(-0.05, 0.05)) and LSTM (last output), concatenated."""
    import torch
    from torch import nn

    class BabiEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.story_emb = nn.Embedding(vocab_size, embed_dim)
            self.question_emb = nn.Embedding(vocab_size, embed_dim)
            with torch.no_grad():
                nn.init.uniform_(self.story_emb.weight, -0.05, 0.05)
                nn.init.uniform_(self.question_emb.weight, -0.05, 0.05)
            story_rnn, question_rnn = nn.LSTM(embed_dim, units, batch_first=True), nn.LSTM(embed_dim, units, batch_first=True)
            _keras_init_rnn(story_rnn, 4, units)
            _keras_init_rnn(question_rnn, 4, units)
            self.story_rnn, self.question_rnn = _last_step(story_rnn), _last_step(question_rnn)

        def forward(self, x):
            ids = x.long()
            story = self.story_rnn(self.story_emb(ids[:, :story_length]))
            question = self.question_rnn(self.question_emb(ids[:, story_length:]))
            return torch.cat([story, question], -1)

    return BabiEncoder()


def _keras_init_rnn(rnn, gates, units):
    """Keras's LSTM/GRU initialisers: glorot_uniform kernel, orthogonal recurrent kernel, zero biases (and the
    LSTM's forget-gate bias 1, unit_forget_bias). Each gate's block is initialised as Keras does for the whole."""
    import torch
    from torch import nn
    with torch.no_grad():
        nn.init.xavier_uniform_(rnn.weight_ih_l0)
        nn.init.orthogonal_(rnn.weight_hh_l0)
        nn.init.zeros_(rnn.bias_ih_l0)
        nn.init.zeros_(rnn.bias_hh_l0)
        if gates == 4:
            rnn.bias_ih_l0[units:2 * units] = 1.0


def build_model(layers, input_shape):
    """The Keras model the harness describes, in PyTorch. Inputs arrive channels-last (Keras's NHWC);
    images are permuted to NCHW once, at the model's input."""
    import math
    import torch
    from torch import nn
    modules = []
    shape = list(input_shape)  # per-sample: [features], [steps, features], [H, W, C] or (after the permute) ["chw", C, H, W]
    for spec in layers:
        kind = spec["type"]
        if kind == "flatten":
            modules.append(nn.Flatten())
            shape = [math.prod(s for s in shape if s != "chw")]
        elif kind == "dense":
            if len(shape) != 1:
                raise ValueError("dense on a non-flat input is not implemented in the PyTorch peer")
            linear = nn.Linear(shape[0], spec["units"])
            with torch.no_grad():
                nn.init.xavier_uniform_(linear.weight)  # Keras's glorot_uniform kernel
                nn.init.zeros_(linear.bias)             # and zeros bias
            modules.append(linear)
            shape = [spec["units"]]
            _activation(modules, spec.get("activation"))
        elif kind == "conv2d":
            if len(shape) == 3:  # NHWC from the harness: permute once
                modules.append(_permute((0, 3, 1, 2)))
                shape = ["chw", shape[2], shape[0], shape[1]]
            _, c, h, w = shape
            k = spec["kernel_size"]
            same = spec.get("padding") == "same"
            conv = nn.Conv2d(c, spec["filters"], k, padding=k // 2 if same else 0)
            with torch.no_grad():
                nn.init.xavier_uniform_(conv.weight)
                nn.init.zeros_(conv.bias)
            modules.append(conv)
            shape = ["chw", spec["filters"], h if same else h - k + 1, w if same else w - k + 1]
            _activation(modules, spec.get("activation"))
        elif kind == "max_pooling2d":
            p = spec["pool_size"]
            modules.append(nn.MaxPool2d(p))
            shape = ["chw", shape[1], shape[2] // p, shape[3] // p]
        elif kind in ("lstm", "gru"):
            if len(shape) != 2:
                raise ValueError(f"{kind} needs (steps, features) input")
            units = spec["units"]
            rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(shape[1], units, batch_first=True)
            _keras_init_rnn(rnn, 4 if kind == "lstm" else 3, units)
            modules.append(_last_step(rnn))
            shape = [units]
        elif kind == "time_distributed_lstm":
            if len(shape) != 3:
                raise ValueError("time_distributed_lstm needs (rows, steps, features) input")
            units = spec["units"]
            rnn = nn.LSTM(shape[2], units, batch_first=True)
            _keras_init_rnn(rnn, 4, units)
            modules.append(_time_distributed(_last_step(rnn)))
            shape = [shape[0], units]
        elif kind == "dropout":
            modules.append(nn.Dropout(spec["rate"]))
        elif kind == "token_and_position_embedding":
            modules.append(_token_and_position_embedding(shape[-1], spec["input_dim"], spec["units"]))
            shape = [shape[-1], spec["units"]]
        elif kind == "transformer_block":
            if len(shape) != 2:
                raise ValueError(f"{kind} needs (steps, features) input")
            modules.append(_transformer_block(shape[1], spec["num_heads"], spec["ff_dim"], spec["rate"]))
        elif kind == "global_average_pooling1d":
            modules.append(_global_average_pooling1d())
            shape = [shape[-1]]
        elif kind == "babi_encoder":
            modules.append(_babi_encoder(spec["story_length"], spec["input_dim"], spec["embed_dim"], spec["units"]))
            shape = [2 * spec["units"]]
        else:
            raise ValueError(f"layer '{kind}' is not implemented in the PyTorch peer")
    return nn.Sequential(*modules)


def _activation(modules, act):
    from torch import nn
    act = act or "linear"
    if act == "relu":
        modules.append(nn.ReLU())
    elif act == "tanh":
        modules.append(nn.Tanh())
    elif act == "sigmoid":
        modules.append(nn.Sigmoid())
    elif act not in ("linear", "softmax"):  # softmax: folded into cross_entropy, applied at inference
        raise ValueError(f"activation '{act}' is not implemented in the PyTorch peer")


def _permute(dims):
    from torch import nn

    class Permute(nn.Module):
        def forward(self, x):
            return x.permute(*dims)

    return Permute()


def train(job):
    import numpy as np
    import torch
    torch.manual_seed(job["seed"])
    shape = job["xShape"]
    samples = shape[0]
    x = torch.from_numpy(np.fromfile(job["x"], dtype="<f4").reshape(shape))
    y = torch.from_numpy(np.fromfile(job["y"], dtype="<i4").astype(np.int64))
    if y.shape[0] != samples:
        raise ValueError(f"{job['y']}: {y.shape[0]} labels for {samples} samples")
    model = build_model(job["layers"], shape[1:])
    opt = job["optimizer"]
    if opt["name"] == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=opt["learning_rate"],
                                     betas=(opt["beta_1"], opt["beta_2"]), eps=opt["epsilon"])
    elif opt["name"] == "rmsprop":
        optimizer = torch.optim.RMSprop(model.parameters(), lr=opt["learning_rate"], alpha=opt["rho"],
                                        eps=opt["epsilon"])
    elif opt["name"] == "adadelta":
        optimizer = torch.optim.Adadelta(model.parameters(), lr=opt["learning_rate"], rho=opt["rho"], eps=opt["epsilon"])
    elif opt["name"] == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=opt["learning_rate"])
    else:
        raise ValueError(f"optimizer '{opt['name']}' is not implemented in the PyTorch peer")
    batch, epochs = job["batchSize"], job["epochs"]
    loss_fn = torch.nn.functional.cross_entropy
    epoch_seconds, losses, accuracies = [], [], []
    fit_start = time.perf_counter()
    for _ in range(epochs):
        t = time.perf_counter()
        model.train()
        order = torch.randperm(samples)
        loss_sum = torch.zeros(())
        correct = torch.zeros((), dtype=torch.int64)
        for start in range(0, samples, batch):
            idx = order[start:start + batch]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach() * idx.shape[0]
                correct += (logits.argmax(1) == yb).sum()
        losses.append(loss_sum.item() / samples)
        accuracies.append(correct.item() / samples)
        epoch_seconds.append(time.perf_counter() - t)
    answer = {"fitSeconds": time.perf_counter() - fit_start, "epochSeconds": epoch_seconds,
              "loss": losses, "accuracy": accuracies}
    infer_batch = job.get("inferenceBatch") or 0
    if infer_batch > 0:
        model.eval()
        with torch.no_grad():
            for _ in range(2):  # first pass warms up, second is timed
                t = time.perf_counter()
                for start in range(0, samples, infer_batch):
                    torch.softmax(model(x[start:start + infer_batch]), 1)
                answer["inferenceSeconds"] = time.perf_counter() - t
        answer["inferenceSamples"] = samples
    return answer


def main():
    hello()
    import torch
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            job = json.loads(line)
            set_threads(job["threads"])
            if job["kind"] == "gemm":
                answer = gemm(job)
            elif job["kind"] == "train":
                answer = train(job)
            elif job["kind"] == "release":
                answer = release()
            else:
                raise ValueError(f"unknown job kind '{job['kind']}'")
        except Exception as e:
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
