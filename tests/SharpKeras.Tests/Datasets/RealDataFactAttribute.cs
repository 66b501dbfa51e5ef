using SharpKeras.Datasets;

namespace SharpKeras.Tests.Datasets;

/// <summary>
/// A fact that needs the real Fashion-MNIST files; it is skipped, with the reason shown, when the loader
/// would not find them locally ($KERAS_HOME/datasets, ~/.keras/datasets, /usr/share/datasets).
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute and sets <see cref="FactAttribute.Skip"/> when the data is absent.</summary>
    public FashionMnistFactAttribute()
    {
        if (FashionMnist.FindLocal() is null)
        {
            Skip = "Real Fashion-MNIST not found: apt-get install dataset-fashion-mnist (or put the files in ~/.keras/datasets/fashion-mnist)";
        }
    }
}
