// The throwaway consumer .ci/aot-consumer.sh builds from the local package feed and publishes with NativeAOT:
// it trains a tiny model, saves it in each Keras format, loads each file back and checks that the predictions
// match, then exports it to ONNX. Exits 1 with the reason on any mismatch.
using SharpKeras;
using SharpKeras.Layers;
using SharpKeras.Models;

Config.SetRandomSeed(7);
var rng = new Random(7);
var xData = new float[64 * 6];
var yData = new float[64];
for (int i = 0; i < 64; i++)
{
    float sum = 0;
    for (int j = 0; j < 6; j++)
    {
        xData[i * 6 + j] = (float)rng.NextDouble();
        sum += xData[i * 6 + j];
    }
    yData[i] = sum > 3 ? 1 : 0;
}
var x = Tensor.FromArray(xData, 64, 6);
var y = Tensor.FromArray(yData, 64);

var model = new Sequential();
model.Add(Keras.Input([6]));
model.Add(new Dense(16, activation: "relu"));
model.Add(new Dense(2, activation: "softmax"));
model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
var history = model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0);
var expected = model.Predict(x, verbose: 0).ToArray();

var dir = Path.Combine(Path.GetTempPath(), "sharpkeras-aot-" + Environment.ProcessId);
Directory.CreateDirectory(dir);
int failures = 0;
void Check(string what, float[] got)
{
    double max = 0;
    for (int i = 0; i < got.Length; i++)
    {
        max = Math.Max(max, Math.Abs(got[i] - expected[i]));
    }
    bool ok = got.Length == expected.Length && max == 0;
    Console.WriteLine($"{what}: {(ok ? "ok" : "MISMATCH")} (max |diff| {max:G3})");
    failures += ok ? 0 : 1;
}

foreach (var name in new[] { "m.keras", "m.h5" })
{
    var path = Path.Combine(dir, name);
    model.Save(path);
    Check($"save/load {name}", Model.Load(path).Predict(x, verbose: 0).ToArray());
}
var weights = Path.Combine(dir, "m.weights.h5");
model.SaveWeights(weights);
var fresh = Model.Load(Path.Combine(dir, "m.keras"));
fresh.LoadWeights(weights);
Check("save/load m.weights.h5", fresh.Predict(x, verbose: 0).ToArray());
// ONNX export under NativeAOT (Google.Protobuf's generated code): an ONNX ModelProto starts with
// field 1 (ir_version 8) and holds every weight.
var onnx = Path.Combine(dir, "m.onnx");
model.Export(onnx);
var bytes = File.ReadAllBytes(onnx);
bool onnxOk = bytes.Length > model.CountParams() * 4 && bytes[0] == 0x08 && bytes[1] == 0x08;
Console.WriteLine($"export m.onnx: {(onnxOk ? "ok" : "BAD")} ({bytes.Length} bytes)");
failures += onnxOk ? 0 : 1;
Directory.Delete(dir, recursive: true);
Console.WriteLine($"trained 3 epochs, final loss {history.HistoryData["loss"][^1]:F4}");
return failures == 0 ? 0 : 1;
