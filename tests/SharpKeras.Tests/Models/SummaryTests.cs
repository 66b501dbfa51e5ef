using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Models;

public class SummaryTests
{
    private static Sequential KerasMlp()
    {
        var model = new Sequential(name: "mlp");
        model.Add(new Flatten(name: "flatten_3"));
        model.Add(new Dense(128, activation: "relu", name: "dense_6"));
        model.Add(new Dense(10, activation: "softmax", name: "dense_7"));
        return model;
    }

    [Fact]
    public void MatchesKerasSummaryOfTrainedMlp()
    {
        var model = KerasMlp();
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        model.Fit(Tensor.Zeros(new Shape(4, 28, 28)), Tensor.FromArray(new int[] { 0, 1, 2, 3 }), batchSize: 2, epochs: 1, verbose: 0);
        string text = "";
        model.Summary(s => text = s, lineLength: 76);

        // The same table Keras printed for this model (../shared/keras-refs/mlp_summary.txt).
        string expected = """
            Model: "mlp"
            ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
            ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
            ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
            │ flatten_3 (Flatten)             │ (None, 784)            │             0 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dense_6 (Dense)                 │ (None, 128)            │       100,480 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dense_7 (Dense)                 │ (None, 10)             │         1,290 │
            └─────────────────────────────────┴────────────────────────┴───────────────┘
             Total params: 305,312 (1.16 MB)
             Trainable params: 101,770 (397.54 KB)
             Non-trainable params: 0 (0.00 B)
             Optimizer params: 203,542 (795.09 KB)
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n").TrimEnd(), text.TrimEnd());
        if (KerasRefs.Dir is { } refs)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(refs, "mlp_summary.txt")).TrimEnd(), text.TrimEnd());
        }
    }

    [Fact]
    public void UnbuiltModelShowsUnknownShapes()
    {
        var model = new Sequential([new Flatten(), new Dense(3)]);
        string text = "";
        model.Summary(s => text = s, lineLength: 76);
        Assert.Contains("│ dense (Dense)                   │ ?                      │   0 (unbuilt) │", text);
        Assert.Contains(" Total params: 0 (0.00 B)", text);
        Assert.DoesNotContain("Optimizer params", text);
    }

    [Fact]
    public void DeclaredInputBuildsTheModelAndLongNamesWrap()
    {
        var model = new Sequential();
        model.Add(SharpKeras.Keras.Input([28, 28]));
        model.Add(new Flatten());
        model.Add(new Dense(64, name: "a_rather_long_layer_name_that_wraps"));
        string text = "";
        model.Summary(s => text = s, lineLength: 76);
        Assert.Contains("│ flatten (Flatten)               │ (None, 784)            │             0 │", text);
        Assert.Contains("│ a_rather_long_layer_name_that_… │ (None, 64)             │        50,240 │", text);
        Assert.Contains("│ (Dense)                         │                        │               │", text);
    }

    [Fact]
    public void ColumnWidthsFollowKerasAndRich()
    {
        Assert.Equal(new[] { 31, 22, 13 }, SummaryPrinter.ColumnWidths(76, [0.45, 0.80, 1.0]));
        Assert.Equal("397.54 KB", SummaryPrinter.ReadableMemorySize(101770 * 4));
    }
}
