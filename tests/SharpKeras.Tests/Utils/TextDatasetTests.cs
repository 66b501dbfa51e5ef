using SharpKeras.Utils;

namespace SharpKeras.Tests.Utils;

/// <summary>keras.utils.text_dataset_from_directory on a small directory the test writes.</summary>
public sealed class TextDatasetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sharpkeras-text-" + Guid.NewGuid().ToString("N"));

    public TextDatasetTests()
    {
        // pos: 3 reviews (one in a nested folder), neg: 2, and a file that is not .txt.
        Write("pos/a.txt", "great film");
        Write("pos/b.txt", "loved it");
        Write("pos/more/c.txt", "wonderful acting");
        Write("neg/a.txt", "dull");
        Write("neg/b.txt", "boring and long");
        Write("neg/notes.md", "ignored");
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void IndexesClassesInSortedOrderWithKerasLabels()
    {
        var ds = Keras.Utils.TextDatasetFromDirectory(_dir, batchSize: 2, shuffle: false);
        Assert.Equal(new[] { "neg", "pos" }, ds.ClassNames);
        Assert.Equal(3, ds.Count);
        var (texts, labels) = ds[0];
        Assert.Equal(new[] { "dull", "boring and long" }, texts);
        Assert.Equal(new[] { 0, 0 }, labels!.ToInt32Array());
        Assert.Equal(new[] { "great film", "loved it", "wonderful acting" }, ds.SelectMany(b => b.Texts).Skip(2));
        var categorical = Keras.Utils.TextDatasetFromDirectory(_dir, labelMode: "categorical", batchSize: 8, shuffle: false, maxLength: 4);
        var (cut, oneHot) = categorical[0];
        Assert.Equal(new Shape(5, 2), oneHot!.Shape);
        Assert.Equal("dull", cut[0]);
        Assert.Equal("bori", cut[1]);
        var binary = Keras.Utils.TextDatasetFromDirectory(_dir, labelMode: "binary", batchSize: 8, shuffle: false);
        Assert.Equal(new[] { 0f, 0, 1, 1, 1 }, binary[0].Labels!.ToArray());
        var none = Keras.Utils.TextDatasetFromDirectory(_dir, labels: "none", batchSize: 8, shuffle: false);
        Assert.Null(none.ClassNames);
        Assert.Null(none[0].Labels);
        Assert.Equal(5, none[0].Texts.Length);
    }

    [Fact]
    public void ShufflesAsNumpyAndSplitsWithoutOverlap()
    {
        var ds = Keras.Utils.TextDatasetFromDirectory(_dir, batchSize: 8, seed: 0);
        var unshuffled = Keras.Utils.TextDatasetFromDirectory(_dir, batchSize: 8, shuffle: false).FilePaths.ToArray();
        var order = new NumpyRandomState(0).Permutation(5);
        Assert.Equal(order.Select(i => unshuffled[i]), ds.FilePaths);
        // Labels follow their files.
        var (texts, labels) = ds[0];
        for (int i = 0; i < 5; i++)
        {
            bool positive = texts[i] is "great film" or "loved it" or "wonderful acting";
            Assert.Equal(positive ? 1 : 0, labels!.ToInt32Array()[i]);
        }
        var train = Keras.Utils.TextDatasetFromDirectory(_dir, validationSplit: 0.4, subset: "training", seed: 3);
        var val = Keras.Utils.TextDatasetFromDirectory(_dir, validationSplit: 0.4, subset: "validation", seed: 3);
        Assert.Equal(3, train.FilePaths.Count);
        Assert.Equal(2, val.FilePaths.Count);
        Assert.Empty(train.FilePaths.Intersect(val.FilePaths));
        Assert.Throws<ArgumentException>(() => Keras.Utils.TextDatasetFromDirectory(_dir, validationSplit: 0.4, subset: "both", seed: 3));
        Assert.Throws<ArgumentException>(() => Keras.Utils.TextDatasetFromDirectory(_dir, validationSplit: 0.4, subset: "training"));
        Assert.Throws<ArgumentException>(() => Keras.Utils.TextDatasetFromDirectory(_dir, classNames: ["pos", "maybe"]));
        Assert.Throws<DirectoryNotFoundException>(() => Keras.Utils.TextDatasetFromDirectory(Path.Combine(_dir, "nope")));
    }
}
