namespace SharpKeras.Onnx.Tests.Export;

/// <summary>A theory that needs the Keras reference files; skipped visibly otherwise.</summary>
public sealed class KerasRefsTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets the skip reason when the files are missing.</summary>
    public KerasRefsTheoryAttribute()
    {
        if (KerasRefsOnnxTests.Refs is null)
        {
            Skip = "Keras reference files not found (expected ../shared/keras-refs beside the checkout)";
        }
    }
}
