using PureHDF;
using SharpKeras.Datasets;

namespace SharpKeras.Tests;

/// <summary>The files real Python Keras wrote (../shared/keras-refs), found by walking up from the test binaries.</summary>
internal static class KerasRefs
{
    public static string? Dir { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "keras-refs"), Path.Combine(dir.FullName, "..", "shared", "keras-refs") })
            {
                if (System.IO.File.Exists(Path.Combine(candidate, "manifest.json")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        return null;
    }

    public static string File(string name) => Path.Combine(Dir ?? throw new InvalidOperationException("keras-refs not found"), name);

    /// <summary>A weight array of a Keras 3 .weights.h5 file, e.g. "layers/dense/vars/0", with its shape.</summary>
    public static Tensor ReadWeight(string file, string path)
    {
        using var h5 = H5File.OpenRead(File(file));
        var ds = h5.Dataset(path);
        var shape = ds.Space.Dimensions.Select(d => (int)d).ToArray();
        return Tensor.FromArray(ds.Read<float[]>(), shape);
    }
}

/// <summary>A fact that needs the Keras reference files (and, when asked, the real Fashion-MNIST); skipped visibly otherwise.</summary>
public sealed class KerasRefsFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when a requirement is missing.</summary>
    public KerasRefsFactAttribute(bool needsFashionMnist = false)
    {
        if (KerasRefs.Dir is null)
        {
            Skip = "Keras reference files not found (expected ../shared/keras-refs beside the checkout)";
        }
        else if (needsFashionMnist && FashionMnist.FindLocal() is null)
        {
            Skip = "Real Fashion-MNIST not found: apt-get install dataset-fashion-mnist";
        }
    }
}

/// <summary>A theory that needs the Keras reference files (and, when asked, the real Fashion-MNIST); skipped visibly otherwise.</summary>
public sealed class KerasRefsTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets the skip reason when a requirement is missing.</summary>
    public KerasRefsTheoryAttribute(bool needsFashionMnist = false)
    {
        if (KerasRefs.Dir is null)
        {
            Skip = "Keras reference files not found (expected ../shared/keras-refs beside the checkout)";
        }
        else if (needsFashionMnist && FashionMnist.FindLocal() is null)
        {
            Skip = "Real Fashion-MNIST not found: apt-get install dataset-fashion-mnist";
        }
    }
}
