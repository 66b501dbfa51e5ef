namespace SharpKeras;

/// <summary>
/// What a recorded op is. Fusion across ops (a crossentropy taking over its softmax's backward)
/// and profiles decide by this type, never by comparing names.
/// </summary>
internal enum OpKind
{
    /// <summary>A view with an axis of size 1 added.</summary>
    ExpandDims,

    /// <summary>A sum over an axis or over all elements.</summary>
    Sum,

    /// <summary>A view with axes of size 1 removed.</summary>
    Squeeze,

    /// <summary>Concatenation along an axis.</summary>
    Concatenate,

    /// <summary>Zero padding of images.</summary>
    ZeroPadding2D,

    /// <summary>Nearest-neighbour upsampling of images.</summary>
    UpSampling2D,

    /// <summary>An axis permutation.</summary>
    Transpose,

    /// <summary>One time step of a sequence.</summary>
    TimeStep,

    /// <summary>tanh as its own op.</summary>
    Tanh,

    /// <summary>Element-wise a - b.</summary>
    Subtract,

    /// <summary>Identity that blocks gradients.</summary>
    StopGradient,

    /// <summary>Stacking steps along time.</summary>
    StackTime,

    /// <summary>Element-wise x^2.</summary>
    Square,

    /// <summary>Element-wise square root.</summary>
    Sqrt,

    /// <summary>Spatial dropout (whole channels).</summary>
    SpatialDropout,

    /// <summary>Sparse categorical crossentropy, fused with a softmax producer when there is one.</summary>
    SparseCategoricalCrossentropy,

    /// <summary>Softmax over an axis other than the last.</summary>
    Softmax,

    /// <summary>Softmax over the last axis: what a crossentropy can fuse with.</summary>
    SoftmaxLastAxis,

    /// <summary>The last time step of a sequence.</summary>
    SliceLast,

    /// <summary>The logistic sigmoid as its own op.</summary>
    Sigmoid,

    /// <summary>Reversing the time axis.</summary>
    ReverseTime,

    /// <summary>A view with another shape.</summary>
    Reshape,

    /// <summary>Repeating a vector along time.</summary>
    RepeatVector,

    /// <summary>max(x, 0) as its own op.</summary>
    Relu,

    /// <summary>One part of a packed multi-output op (output, states).</summary>
    PackedPart,

    /// <summary>One-hot encoding (no gradient).</summary>
    OneHot,

    /// <summary>Element-wise -x.</summary>
    Negative,

    /// <summary>Element-wise a * b.</summary>
    Multiply,

    /// <summary>Element-wise minimum.</summary>
    Minimum,

    /// <summary>Element-wise maximum.</summary>
    Maximum,

    /// <summary>A matrix product (ops.matmul).</summary>
    MatMul,

    /// <summary>Keras's Masking layer.</summary>
    Masking,

    /// <summary>Where(mask, new, old) of recurrent states.</summary>
    MaskedSelect,

    /// <summary>log(softmax(x)).</summary>
    LogSoftmax,

    /// <summary>Element-wise natural logarithm.</summary>
    Log,

    /// <summary>Layer normalization.</summary>
    LayerNormalization,

    /// <summary>Element-wise e^x.</summary>
    Exp,

    /// <summary>An embedding lookup.</summary>
    Embedding,

    /// <summary>Dropout with its mask.</summary>
    Dropout,

    /// <summary>Element-wise a / b.</summary>
    Divide,

    /// <summary>A depthwise convolution.</summary>
    DepthwiseConv,

    /// <summary>x @ kernel + bias with a fused activation (Keras's Dense).</summary>
    Dense,

    /// <summary>A transposed convolution.</summary>
    ConvTranspose,

    /// <summary>A convolution lowered to the matrix multiply (bias and activation fused).</summary>
    Conv,

    /// <summary>Clipping to [min, max].</summary>
    Clip,

    /// <summary>A dtype conversion (ops.cast).</summary>
    Cast,

    /// <summary>Batch normalization.</summary>
    BatchNormalization,

    /// <summary>Average pooling.</summary>
    AveragePool,

    /// <summary>Max pooling.</summary>
    MaxPool,

    /// <summary>Index of the maximum (no gradient).</summary>
    Argmax,

    /// <summary>Element-wise a + b.</summary>
    Add,

    /// <summary>A whole SimpleRNN layer.</summary>
    SimpleRnn,

    /// <summary>A whole LSTM layer.</summary>
    Lstm,

    /// <summary>A whole GRU layer.</summary>
    Gru,

    /// <summary>An element-wise activation of keras.activations run by the activation kernels (gelu, elu, ...).</summary>
    Activation,

    /// <summary>Sparsemax over an axis.</summary>
    Sparsemax,

    /// <summary>Gated linear unit over an axis.</summary>
    Glu,

    /// <summary>A copy through a flat index map (slice, strided slice, pad, tile, repeat, broadcast, take, sort values).</summary>
    IndexGather,

    /// <summary>An element-wise comparison returning bool (no gradient).</summary>
    Comparison,

    /// <summary>An element-wise logical op returning bool (no gradient).</summary>
    Logical,

    /// <summary>Element-wise selection where(condition, x1, x2).</summary>
    Where,

    /// <summary>Maximum over axes.</summary>
    ReduceMax,

    /// <summary>Minimum over axes.</summary>
    ReduceMin,

    /// <summary>Product over axes.</summary>
    ReduceProd,

    /// <summary>Index of the minimum, or of the maximum along a chosen axis (no gradient).</summary>
    ArgReduce,

    /// <summary>any / all over axes (no gradient).</summary>
    AnyAll,

    /// <summary>Running sum along an axis.</summary>
    Cumsum,

    /// <summary>Running product along an axis.</summary>
    Cumprod,

    /// <summary>Sorting indices (argsort, the indices of top_k; no gradient).</summary>
    Argsort,

    /// <summary>An element-wise special function (erf, log1p, expm1, absolute).</summary>
    SpecialFunction,

    /// <summary>x raised to a constant power.</summary>
    Power,
    /// <summary>A matrix product over broadcast batch axes (NumPy matmul).</summary>
    BatchedMatMul,
    /// <summary>Cropping of spatial axes (Keras's Cropping1D/2D/3D).</summary>
    Cropping,

    /// <summary>Training-time noise: x * scale + shift with fresh draws (GaussianNoise, GaussianDropout, AlphaDropout).</summary>
    Noise,
    /// <summary>Separable resampling of NHWC images (Keras's Resizing, CenterCrop, crop and pad to aspect ratio).</summary>
    Resample2D,

    /// <summary>SpectralNormalization's in-place power iteration on a wrapped kernel before a training call.</summary>
    SpectralNormalize,

    /// <summary>Adaptive max pooling to a fixed output size (Keras's AdaptiveMaxPooling1D/2D).</summary>
    AdaptiveMaxPool,

    /// <summary>Adaptive average pooling to a fixed output size (Keras's AdaptiveAveragePooling1D/2D).</summary>
    AdaptiveAveragePool,

    /// <summary>A matrix norm from singular values (ord 2, -2, "nuc").</summary>
    MatrixNorm,

    /// <summary>A 3-D convolution (Keras's Conv3D, ops.conv on 5-D inputs).</summary>
    Conv3D,

    /// <summary>A transposed 3-D convolution (Keras's Conv3DTranspose).</summary>
    ConvTranspose3D,

    /// <summary>3-D max pooling (Keras's MaxPooling3D).</summary>
    MaxPool3D,

    /// <summary>3-D average pooling (Keras's AveragePooling3D).</summary>
    AveragePool3D,

    /// <summary>Keras's ops.dot_product_attention, fused (one pass per head and block of queries, probabilities recomputed in the backward).</summary>
    DotProductAttention,

    /// <summary>A projective transform of NHWC images (Keras's ops.image.affine_transform: RandomRotation, RandomZoom, RandomTranslation, RandomCrop).</summary>
    AffineTransform,

    /// <summary>Random values drawn afresh every time the op runs, recorded after the input they are drawn for (RandomFlip, RandomBrightness, RandomContrast).</summary>
    RandomDraws,

    /// <summary>Rounding to bfloat16 kept in float32 (Keras's cast to bfloat16 under the mixed_bfloat16 dtype policy).</summary>
    RoundToBfloat16,
}
