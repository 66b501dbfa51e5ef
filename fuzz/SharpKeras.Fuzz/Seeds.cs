using System.IO.Compression;
using SharpKeras.Saving;

namespace SharpKeras.Fuzz;

/// <summary>Small seed files written by SharpKeras's own writers (the Keras-written seeds are copied from keras-refs).</summary>
public static class Seeds
{
    public static void Write(string dir)
    {
        string D(string t) => Directory.CreateDirectory(Path.Combine(dir, t)).FullName;
        var model = FuzzTargets.TinyModel();
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Save(Path.Combine(D("keras"), "tiny_compiled.keras"));
        FuzzTargets.TinyModel().Save(Path.Combine(D("keras"), "tiny.keras"));
        model.Save(Path.Combine(D("h5"), "tiny_compiled.h5"));
        FuzzTargets.TinyModel().SaveWeights(Path.Combine(D("weights"), "tiny.weights.h5"));
        var f = Tensor.FromArray(new float[] { 1, -2, 3.5f, 0, 1e-3f, 7 }, 2, 3);
        var i = Tensor.FromArray(new int[] { 1, 2, 3, 4 }, 4);
        NumpyFile.Save(Path.Combine(D("npy"), "f32.npy"), f);
        NumpyFile.Save(Path.Combine(D("npy"), "i32.npy"), i);
        using var fs = new FileStream(Path.Combine(D("npz"), "two.npz"), FileMode.Create);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var (name, t, level) in new[] { ("x", f, CompressionLevel.NoCompression), ("y", i, CompressionLevel.Optimal) })
        {
            using var s = zip.CreateEntry(name + ".npy", level).Open();
            NumpyFile.Save(Path.Combine(dir, "tmp.npy"), t);
            s.Write(File.ReadAllBytes(Path.Combine(dir, "tmp.npy")));
        }
        File.Delete(Path.Combine(dir, "tmp.npy"));
    }
}
