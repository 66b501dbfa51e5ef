using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Models;

/// <summary>Keras's <c>summary(expand_nested=True, show_trainable=True)</c>.</summary>
public class SummaryOptionsTests
{
    private static Sequential Nested()
    {
        var inner = new Sequential([Keras.Input([4]), new Dense(3, name: "inner_dense"), new Dropout(0.1, name: "inner_drop")], name: "block");
        var model = new Sequential([Keras.Input([4]), inner, new Dense(2, name: "head")], name: "outer");
        model.GetLayer("head").Trainable = false;
        return model;
    }

    private static string[] Lines(Model model, bool expand, bool trainable)
    {
        string text = "";
        model.Summary(s => text = s, lineLength: 120, expandNested: expand, showTrainable: trainable);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void ShowTrainableAddsKerasTrainableColumn()
    {
        var lines = Lines(Nested(), expand: false, trainable: true);
        var table = lines.Where(l => l[0] is '┏' or '┃' or '┡' or '│' or '├' or '└').ToArray();
        Assert.All(table, l => Assert.Equal(120, l.Length));
        Assert.Matches(@"^┃ Layer \(type\) +┃ Output Shape +┃ +Param # ┃ Trainable ┃$", table[1]);
        Assert.Matches(@"│ block \(Sequential\) .*│ +15 │     Y     │$", lines.Single(l => l.Contains("block (")));
        Assert.Matches(@"│ head \(Dense\) .*│ +8 │     N     │$", lines.Single(l => l.Contains("head (")));
        Assert.Contains(" Non-trainable params: 8 (32.00 B)", lines);
    }

    [Fact]
    public void ExpandNestedListsTheInnerLayersUnderTheirModel()
    {
        var lines = Lines(Nested(), expand: true, trainable: true);
        int block = Array.FindIndex(lines, l => l.Contains("block (Sequential)"));
        Assert.Contains("│ └ inner_dense (Dense)", lines[block + 2]);
        Assert.Contains("(None, 3)", lines[block + 2]);
        Assert.Contains("│ └ inner_drop (Dropout)", lines[block + 4]);
        Assert.Matches(@"│     -     │$", lines[block + 4]);
        Assert.DoesNotContain(Lines(Nested(), expand: false, trainable: false), l => l.Contains("inner_dense"));
    }
}
