using PureHDF;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Models;

/// <summary>
/// keras-refs2's layers_misc_1d and layers_misc_2d (Conv1DTranspose, Cropping1D/2D, ZeroPadding1D,
/// UpSampling1D, PReLU, GroupNormalization, UnitNormalization, ReLU(max_value), Softmax(axis), ...):
/// the files load and predict Keras's outputs, and the model rebuilt in code with Keras's weights does too.
/// </summary>
public class LayersMiscKerasParityTests
{
    private static readonly string? s_dir = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "keras-refs2"), Path.Combine(dir.FullName, "..", "shared", "keras-refs2") })
            {
                if (File.Exists(Path.Combine(candidate, "manifest.json")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        return null;
    }

    private static string Ref(string name) => Path.Combine(s_dir ?? throw new InvalidOperationException("keras-refs2 not found"), name);

    private static void AssertClose(Tensor expected, Tensor actual, double atol = 1e-5)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - e[i]) <= atol, $"output {i}: {a[i]} versus Keras {e[i]}");
        }
    }

    [Theory]
    [InlineData("layers_misc_1d", "keras")]
    [InlineData("layers_misc_1d", "h5")]
    [InlineData("layers_misc_2d", "keras")]
    [InlineData("layers_misc_2d", "h5")]
    public void KerasFilePredictsKerasOutput(string name, string ext)
    {
        var model = Model.Load(Ref($"{name}.{ext}"));
        AssertClose(NumpyFile.Load(Ref($"{name}_output.npy")), model.Predict(NumpyFile.Load(Ref($"{name}_input.npy")), verbose: 0));
    }

    [Theory]
    [InlineData("layers_misc_1d")]
    [InlineData("layers_misc_2d")]
    public void WeightsFileIntoClonePredictsKerasOutput(string name)
    {
        var model = Model.Load(Ref($"{name}.keras"));
        var clone = Keras.Models.CloneModel(model);
        clone.LoadWeights(Ref($"{name}.weights.h5"));
        AssertClose(NumpyFile.Load(Ref($"{name}_output.npy")), clone.Predict(NumpyFile.Load(Ref($"{name}_input.npy")), verbose: 0));
    }

    [Theory]
    [InlineData("layers_misc_1d", "keras")]
    [InlineData("layers_misc_2d", "keras")]
    [InlineData("layers_misc_1d", "h5")]
    [InlineData("layers_misc_2d", "h5")]
    public void SummaryMatchesKerasTable(string name, string ext)
    {
        var model = Model.Load(Ref($"{name}.{ext}"));
        string text = "";
        model.Summary(s => text = s, lineLength: 76);
        Assert.Equal(File.ReadAllText(Ref($"{name}_summary.txt")).TrimEnd(), text.TrimEnd());
    }

    // Keras's weights, read from the .weights.h5 file; Keras names a model's layers there by class, in order (dense, dense_1, ...), not by layer name.
    private static void Load(string file, Layer layer, string kerasName, Func<int, Shape, Tensor, Tensor>? reshape = null)
    {
        using var h5 = H5File.OpenRead(Ref(file));
        for (int i = 0; i < layer.Weights.Count; i++)
        {
            var ds = h5.Dataset($"layers/{kerasName}/vars/{i}");
            var t = Tensor.FromArray(ds.Read<float[]>(), [.. ds.Space.Dimensions.Select(d => (int)d)]);
            var w = layer.Weights[i];
            w.Assign(reshape is null ? t : reshape(i, w.Shape, t));
        }
    }

    private static Tensor AsShape(int _, Shape shape, Tensor t) => Tensor.FromArray(t.ToArray(), shape.ToArray());

    [Fact]
    public void Misc1DRebuiltInCodeWithDenseForEinsumDensePredictsKerasOutput()
    {
        if (s_dir is null)
        {
            return;
        }
        // "ab,bc->ac" with bias "c" is exactly a Dense layer: the einsum kernel (6, 8) is Dense's kernel.
        var convT = new Conv1DTranspose(6, 4, strides: 2, padding: "same");
        var prelu = new PReLU();
        var groupNorm = new GroupNormalization(3);
        var einsum = new Dense(8);
        var dense2 = new Dense(8);
        var dense3 = new Dense(4);
        var model = new Sequential([Keras.Input([10, 4]), convT, new Cropping1D((1, 2)), new ZeroPadding1D((2, 1)), new UpSampling1D(2), prelu, groupNorm,
            new GlobalMaxPooling1D(), einsum, new ReLU(maxValue: 6), dense2, new LeakyReLU(0.2), new ELU(), new UnitNormalization(), dense3, new SharpKeras.Layers.Softmax()]);
        const string file = "layers_misc_1d.weights.h5";
        Load(file, convT, "conv1d_transpose");
        Load(file, prelu, "p_re_lu");
        Load(file, groupNorm, "group_normalization");
        Load(file, einsum, "einsum_dense");
        Load(file, dense2, "dense");
        Load(file, dense3, "dense_1");
        var x = NumpyFile.Load(Ref("layers_misc_1d_input.npy"));
        AssertClose(NumpyFile.Load(Ref("layers_misc_1d_output.npy")), model.Predict(x, verbose: 0));
    }

    [Fact]
    public void Misc2DRebuiltInCodeWithDenseForEinsumDensePredictsKerasOutput()
    {
        if (s_dir is null)
        {
            return;
        }
        var input = Keras.Input([9, 11, 3]);
        var conv = new Conv2D(6, 3, padding: "same");
        var groupNorm = new GroupNormalization(2, epsilon: 1e-5);
        // "ab,bcd->acd" with bias "cd": a Dense to 2 * 3 units (kernel (12, 2, 3) flattened row-major), reshaped to (2, 3).
        var einsum = new Dense(6);
        var h = new ReLU(maxValue: 6).Apply(groupNorm.Apply(new Cropping2D((1, 0), (2, 1)).Apply(conv.Apply(input))));
        var pooled = new SharpKeras.Layers.Concatenate().Apply([new GlobalMaxPooling2D().Apply(h), new GlobalAveragePooling2D().Apply(h)]);
        var y = new Flatten().Apply(new SharpKeras.Layers.Softmax(axis: 1).Apply(new Reshape([2, 3]).Apply(einsum.Apply(pooled))));
        var model = new Model(input, y);
        const string file = "layers_misc_2d.weights.h5";
        Load(file, conv, "conv2d");
        Load(file, groupNorm, "group_normalization");
        Load(file, einsum, "einsum_dense", AsShape);
        var x = NumpyFile.Load(Ref("layers_misc_2d_input.npy"));
        AssertClose(NumpyFile.Load(Ref("layers_misc_2d_output.npy")), model.Predict(x, verbose: 0));
    }
}
