using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Images.Tests;

public class ImageDatasetTests
{
    // Classes "cats" (3 images, value 10 + i) and "dogs" (2 images, value 200 + i), 4x6 (height x width) PNGs.
    private static TestImages TwoClasses()
    {
        var dir = new TestImages();
        for (int i = 0; i < 3; i++)
        {
            dir.Solid($"cats/c{i}.png", 6, 4, (byte)(10 + i), (byte)(10 + i), (byte)(10 + i));
        }
        for (int i = 0; i < 2; i++)
        {
            dir.Solid($"dogs/d{i}.png", 6, 4, (byte)(200 + i), (byte)(200 + i), (byte)(200 + i));
        }
        File.WriteAllText(dir.PathOf("dogs/notes.txt"), "not an image");
        return dir;
    }

    [Fact]
    public void InferredLabelsInSortedOrderWithExactPixels()
    {
        using var dir = TwoClasses();
        var ds = ImageUtils.ImageDatasetFromDirectory(dir.Root, batchSize: 2, imageSize: (3, 5), shuffle: false, verbose: false);
        Assert.Equal(["cats", "dogs"], ds.ClassNames);
        Assert.Equal(["c0.png", "c1.png", "c2.png", "d0.png", "d1.png"], ds.FilePaths.Select(Path.GetFileName));
        Assert.Equal(3, ds.Length);
        var (x, y) = ds[0];
        Assert.Equal([2, 3, 5, 3], x.Shape.ToArray());
        Assert.All(x.ToArray().Take(45), v => Assert.Equal(10f, v));
        Assert.All(x.ToArray().Skip(45), v => Assert.Equal(11f, v));
        Assert.Equal([0, 0], y!.ToInt32Array());
        Assert.Equal([0, 1], ds[1].Y![0].ToInt32Array());
        var (last, lastY) = ds[2];
        Assert.Equal([1, 3, 5, 3], last.Shape.ToArray());
        Assert.All(last.ToArray(), v => Assert.Equal(201f, v));
        Assert.Equal([1], lastY!.ToInt32Array());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds[3]);
    }

    [Fact]
    public void ShufflesAsNumpyAndKeepsLabelsWithTheirFiles()
    {
        using var dir = TwoClasses();
        var ds = ImageUtils.ImageDatasetFromDirectory(dir.Root, batchSize: 5, imageSize: (2, 2), seed: 0, verbose: false);
        string[] sorted = ["c0.png", "c1.png", "c2.png", "d0.png", "d1.png"];
        // np.random.RandomState(0).permutation(5) is [2, 0, 1, 3, 4].
        Assert.Equal(new[] { 2, 0, 1, 3, 4 }.Select(i => sorted[i]), ds.FilePaths.Select(Path.GetFileName));
        Assert.Equal(ds.FilePaths.Select(p => p.Contains("cats") ? 0 : 1), ds.Labels!);
        var (x, y) = ds[0];
        var labels = y!.ToInt32Array();
        var pixels = x.ToArray();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(labels[i] == 0 ? 10f + int.Parse(ds.FilePaths[i][^5..^4]) : 200f + int.Parse(ds.FilePaths[i][^5..^4]), pixels[i * 12]);
        }
        // A later epoch is reshuffled, still label-consistent.
        ds.OnEpochEnd();
        var (x2, y2) = ds[0];
        var l2 = y2!.ToInt32Array();
        var p2 = x2.ToArray();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(l2[i] == 0, p2[i * 12] < 100);
        }
    }

    [Fact]
    public void ValidationSplitAsKeras()
    {
        using var dir = new TestImages();
        for (int i = 0; i < 10; i++)
        {
            dir.Solid($"{(i % 2 == 0 ? "a" : "b")}/{i}.png", 3, 3, (byte)i, 0, 0);
        }
        var train = ImageUtils.ImageDatasetFromDirectory(dir.Root, imageSize: (3, 3), seed: 5, validationSplit: 0.2, subset: "training", verbose: false);
        var val = ImageUtils.ImageDatasetFromDirectory(dir.Root, imageSize: (3, 3), seed: 5, validationSplit: 0.2, subset: "validation", verbose: false);
        Assert.Equal(8, train.Samples);
        Assert.Equal(2, val.Samples);
        Assert.Empty(train.FilePaths.Intersect(val.FilePaths));
        var all = ImageUtils.ImageDatasetFromDirectory(dir.Root, imageSize: (3, 3), seed: 5, verbose: false);
        Assert.Equal(all.FilePaths.Take(8), train.FilePaths);
        Assert.Equal(all.FilePaths.Skip(8), val.FilePaths);
        var (t, v) = ImageUtils.ImageDatasetFromDirectory(dir.Root, imageSize: (3, 3), seed: 5, validationSplit: 0.2, subset: "both", verbose: false);
        Assert.Equal(train.FilePaths, t.FilePaths);
        Assert.Equal(val.FilePaths, v.FilePaths);
        Assert.Contains("seed", Assert.Throws<ArgumentException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, validationSplit: 0.2, subset: "training")).Message);
        Assert.Throws<ArgumentException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, subset: "training", seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, validationSplit: 1.5, subset: "training", seed: 1));
        Assert.Throws<InvalidOperationException>(() => { var (a, b) = train; });
    }

    [Fact]
    public void LabelModesAndColorModes()
    {
        using var dir = TwoClasses();
        var cat = ImageUtils.ImageDatasetFromDirectory(dir.Root, labelMode: "categorical", colorMode: "grayscale", imageSize: (2, 2), shuffle: false, verbose: false);
        var (x, y) = cat[0];
        Assert.Equal([5, 2, 2, 1], x.Shape.ToArray());
        Assert.Equal([5, 2], y!.Shape.ToArray());
        Assert.Equal(new float[] { 1, 0, 1, 0, 1, 0, 0, 1, 0, 1 }, y.ToArray());
        var bin = ImageUtils.ImageDatasetFromDirectory(dir.Root, labelMode: "binary", colorMode: "rgba", imageSize: (2, 2), shuffle: false, verbose: false);
        var (xb, yb) = bin[0];
        Assert.Equal([5, 2, 2, 4], xb.Shape.ToArray());
        Assert.Equal(255f, xb.ToArray()[3]);
        Assert.Equal([5, 1], yb!.Shape.ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 1, 1 }, yb.ToArray());
        var none = ImageUtils.ImageDatasetFromDirectory(dir.Root, labels: null, imageSize: (2, 2), shuffle: false, verbose: false);
        Assert.Null(none.ClassNames);
        Assert.Null(none[0].Y);
        var noMode = ImageUtils.ImageDatasetFromDirectory(dir.Root, labelMode: null, imageSize: (2, 2), verbose: false);
        Assert.Null(noMode[0].Y);
        var first = ImageUtils.ImageDatasetFromDirectory(dir.Root, imageSize: (2, 3), shuffle: false, dataFormat: "channels_first", verbose: false);
        Assert.Equal([5, 3, 2, 3], first[0].X[0].Shape.ToArray());
        var only = ImageUtils.ImageDatasetFromDirectory(dir.Root, classNames: ["dogs"], imageSize: (2, 2), verbose: false);
        Assert.Equal(2, only.Samples);
        Assert.Contains("cats", Assert.Throws<ArgumentException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, classNames: ["cows"])).Message);
    }

    [Fact]
    public void ExplicitLabelsFollowTheSortedWalk()
    {
        using var dir = TwoClasses();
        var ds = ImageUtils.ImageDatasetFromDirectory(dir.Root, labels: [3, 1, 3, 1, 1], imageSize: (2, 2), shuffle: false, verbose: false);
        Assert.Equal(["1", "3"], ds.ClassNames);
        Assert.Equal([3, 1, 3, 1, 1], ds[0].Y![0].ToInt32Array());
        Assert.Contains("5", Assert.Throws<ArgumentException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, labels: [0, 1])).Message);
    }

    [Fact]
    public void ResizesAsTensorFlow()
    {
        using var dir = new TestImages();
        dir.WriteGray("a/two.png", 2, 1, [0, 100]);
        var bilinear = ImageUtils.ImageDatasetFromDirectory(dir.Root, colorMode: "grayscale", imageSize: (1, 4), shuffle: false, verbose: false);
        // Half-pixel centres, no antialiasing: 0, 0.25 * 100, 0.75 * 100, 100.
        Assert.Equal(new float[] { 0, 25, 75, 100 }, bilinear[0].X[0].ToArray());
        var nearest = ImageUtils.ImageDatasetFromDirectory(dir.Root, colorMode: "grayscale", imageSize: (1, 4), interpolation: "nearest", shuffle: false, verbose: false);
        Assert.Equal(new float[] { 0, 0, 100, 100 }, nearest[0].X[0].ToArray());

        dir.WriteGray("b/wide.png", 4, 2, [10, 20, 30, 40, 50, 60, 70, 80]);
        var crop = ImageUtils.ImageDatasetFromDirectory(Path.Combine(dir.Root), labels: null, colorMode: "grayscale", imageSize: (2, 2),
            interpolation: "nearest", cropToAspectRatio: true, shuffle: false, verbose: false);
        Assert.Equal(new float[] { 20, 30, 60, 70 }, crop[0].X[0].Slice(1, 1).ToArray());
        var pad = ImageUtils.ImageDatasetFromDirectory(dir.Root, labels: null, colorMode: "grayscale", imageSize: (4, 4),
            interpolation: "nearest", padToAspectRatio: true, shuffle: false, verbose: false);
        Assert.Equal(new float[] { 0, 0, 0, 0, 10, 20, 30, 40, 50, 60, 70, 80, 0, 0, 0, 0 }, pad[0].X[0].Slice(1, 1).ToArray());
        Assert.Contains("bicubic", Assert.Throws<ArgumentException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, interpolation: "bicubic")).Message);
        Assert.Throws<ArgumentException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, interpolation: "cubic"));
        Assert.Throws<ArgumentException>(() => ImageUtils.ImageDatasetFromDirectory(dir.Root, cropToAspectRatio: true, padToAspectRatio: true));
    }

    [Fact]
    public void BadDirectoriesAndFilesAreNamed()
    {
        using var dir = new TestImages();
        var missing = Path.Combine(dir.Root, "nowhere");
        Assert.Contains("nowhere", Assert.Throws<DirectoryNotFoundException>(() => ImageUtils.ImageDatasetFromDirectory(missing)).Message);
        Directory.CreateDirectory(Path.Combine(dir.Root, "empty", "cls"));
        Assert.Contains("no images", Assert.Throws<InvalidDataException>(() => ImageUtils.ImageDatasetFromDirectory(Path.Combine(dir.Root, "empty"), verbose: false)).Message);
        dir.Solid("data/a/fine.png", 2, 2, 1, 1, 1);
        File.WriteAllBytes(dir.PathOf("data/b/broken.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]);
        var ds = ImageUtils.ImageDatasetFromDirectory(Path.Combine(dir.Root, "data"), imageSize: (2, 2), shuffle: false, verbose: false);
        var e = Assert.Throws<InvalidDataException>(() => ds[0]);
        Assert.Contains("broken.jpg", e.Message);
        Assert.Equal(2, ImageUtils.ImageDatasetFromDirectory(Path.Combine(dir.Root, "data"), labelMode: "binary", verbose: false).Samples);
        dir.Solid("data/c/x.png", 2, 2, 1, 1, 1);
        Assert.Contains("exactly 2", Assert.Throws<ArgumentException>(() =>
            ImageUtils.ImageDatasetFromDirectory(Path.Combine(dir.Root, "data"), labelMode: "binary", verbose: false)).Message);
    }

    [Fact]
    public void ModelFitsOnTheDataset()
    {
        using var dir = new TestImages();
        var rng = new Random(3);
        for (int i = 0; i < 48; i++)
        {
            bool bright = i % 2 == 1;
            var gray = new byte[8 * 8];
            for (int p = 0; p < gray.Length; p++)
            {
                gray[p] = (byte)((bright ? 150 : 40) + rng.Next(60));
            }
            dir.WriteGray($"{(bright ? "bright" : "dark")}/{i:D2}.png", 8, 8, gray);
        }
        var (train, val) = ImageUtils.ImageDatasetFromDirectory(dir.Root, colorMode: "grayscale", batchSize: 8, imageSize: (8, 8),
            seed: 1, validationSplit: 0.25, subset: "both", verbose: false);
        Config.SetRandomSeed(1);
        // Pixels stay in [0, 255] (Keras would add a Rescaling layer); zero weights keep the softmax out of saturation.
        var model = new Sequential([
            Keras.Input([8, 8, 1]),
            new Flatten(),
            new Dense(2, activation: "softmax", kernelInitializer: "zeros"),
        ]);
        model.Compile(optimizer: new SharpKeras.Optimizers.SGD(learningRate: 1e-6), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var history = model.Fit(train, epochs: 6, verbose: 0, validationData: val);
        var losses = history["loss"];
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses[^1] < losses[0], $"loss did not fall: [{string.Join(", ", losses)}]");
        var score = model.Evaluate(val, verbose: 0);
        Assert.True(double.IsFinite(score[0]));
        Assert.Equal([12, 2], model.Predict(val, verbose: 0).Shape.ToArray());
    }
}
