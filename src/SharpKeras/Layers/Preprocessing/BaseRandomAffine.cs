using System.Text.Json.Nodes;
using SharpKeras.Backend;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Base of RandomRotation, RandomZoom and RandomTranslation (Keras's <c>BaseImagePreprocessingLayer</c> with its affine
/// arguments): fill mode, interpolation, seed, fill value and data format, the image shape check, the inference
/// pass-through (images cast to float, as Keras's) and a training call through Keras's affine_transform that draws one
/// transform per image inside the op; each layer supplies only its transform matrices.
/// </summary>
public abstract class BaseRandomAffine : Layer
{
    private readonly SeedGenerator _rng;
    private readonly AffineFillMode _fillMode;
    private readonly bool _bilinear;

    /// <summary>Checks and stores the arguments the affine layers share; <paramref name="who"/> names the layer in errors.</summary>
    private protected BaseRandomAffine(string who, string fillMode, string interpolation, int? seed, double fillValue, string? dataFormat,
        string? name, int[]? inputShape, int? batchSize) : base(name, inputShape, batchSize)
    {
        _fillMode = Ops.AffineFill(fillMode, who);
        _bilinear = Ops.AffineInterpolation(interpolation, who);
        FillMode = fillMode;
        Interpolation = interpolation;
        Seed = seed;
        FillValue = fillValue;
        DataFormat = ImageResampling.DataFormat(dataFormat, who);
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>"reflect", "wrap", "constant" or "nearest".</summary>
    public string FillMode { get; }

    /// <summary>"bilinear" or "nearest".</summary>
    public string Interpolation { get; }

    /// <summary>The seed of the draws, if fixed.</summary>
    public int? Seed { get; }

    /// <summary>The value of points outside the image when the fill mode is "constant".</summary>
    public double FillValue { get; }

    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => RandomFactor.CheckImages(this, inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected sealed override Tensor Call(Tensor inputs, bool training)
    {
        if (!training)
        {
            return inputs.IsFloat ? inputs : Ops.Cast(inputs, DType.Float32);
        }
        return AffineAugmentation.Transform(inputs, DataFormat == "channels_first", _rng, DrawTransforms, _bilinear, _fillMode, FillValue);
    }

    /// <summary>
    /// Writes one transform per image into <paramref name="rows"/> (8 values per image, Keras's order) from draws of
    /// <paramref name="rng"/>, for images of <paramref name="h"/> x <paramref name="w"/> pixels; runs inside the op.
    /// </summary>
    private protected abstract void DrawTransforms(SeedGenerator rng, float[] rows, int h, int w);

    /// <summary>Appends the shared keys in the order Keras's RandomZoom and RandomTranslation write them.</summary>
    private protected JsonObject WithFillConfig(JsonObject c)
    {
        c["fill_mode"] = FillMode;
        c["interpolation"] = Interpolation;
        c["seed"] = Seed;
        c["fill_value"] = FillValue;
        c["data_format"] = DataFormat;
        return c;
    }
}
