namespace SharpKeras.Backend;

/// <summary>How Keras's affine_transform reads points outside the image (its fill_mode).</summary>
internal enum AffineFillMode
{
    /// <summary>"reflect": (d c b a | a b c d | d c b a), reflecting about the edge of the last pixel.</summary>
    Reflect,

    /// <summary>"wrap": (a b c d | a b c d | a b c d).</summary>
    Wrap,

    /// <summary>"constant": (k k k k | a b c d | k k k k) with k the fill value.</summary>
    Constant,

    /// <summary>"nearest": (a a a a | a b c d | d d d d).</summary>
    Nearest,
}
