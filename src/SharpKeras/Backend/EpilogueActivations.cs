namespace SharpKeras.Backend;

/// <summary>What each <see cref="EpilogueActivation"/> is as an <see cref="ActivationKind"/> with its Keras default parameters.</summary>
internal static class EpilogueActivations
{
    /// <summary>The activation kernel and parameters (a, b, c) that compute <paramref name="activation"/>; None and the three the GEMM applies itself map to null.</summary>
    public static (ActivationKind Kind, float A, float B, float C)? Kernel(EpilogueActivation activation) => activation switch
    {
        EpilogueActivation.Relu6 => (ActivationKind.Relu, 0f, 6f, 0f),
        EpilogueActivation.LeakyRelu => (ActivationKind.Relu, 0.2f, float.PositiveInfinity, 0f),
        EpilogueActivation.Elu => (ActivationKind.Elu, 1f, 0f, 0f),
        EpilogueActivation.Selu => (ActivationKind.Selu, 0f, 0f, 0f),
        EpilogueActivation.Celu => (ActivationKind.Celu, 1f, 0f, 0f),
        EpilogueActivation.Softplus => (ActivationKind.Softplus, 0f, 0f, 0f),
        EpilogueActivation.Softsign => (ActivationKind.Softsign, 0f, 0f, 0f),
        EpilogueActivation.Exponential => (ActivationKind.Exponential, 0f, 0f, 0f),
        EpilogueActivation.HardSigmoid => (ActivationKind.HardSigmoid, 0f, 0f, 0f),
        EpilogueActivation.HardTanh => (ActivationKind.HardTanh, 0f, 0f, 0f),
        EpilogueActivation.LogSigmoid => (ActivationKind.LogSigmoid, 0f, 0f, 0f),
        EpilogueActivation.SparseSigmoid => (ActivationKind.SparseSigmoid, 0f, 0f, 0f),
        _ => null,
    };

    /// <summary>Keras's selu constants (alpha, scale).</summary>
    public const float SeluAlpha = 1.67326324235437728481f, SeluScale = 1.05070098735548049342f;

    /// <summary>f'(z) from the output y = f(z) of an epilogue activation, in scalar form (the reference and the SIMD tails share it).</summary>
    public static float DerivativeFromOutput(EpilogueActivation activation, float y) => activation switch
    {
        EpilogueActivation.Relu => y > 0f ? 1f : 0f,
        EpilogueActivation.Sigmoid => y * (1f - y),
        EpilogueActivation.Tanh => 1f - y * y,
        EpilogueActivation.Relu6 => y > 0f && y < 6f ? 1f : 0f,
        EpilogueActivation.LeakyRelu => y > 0f ? 1f : 0.2f,
        EpilogueActivation.Elu or EpilogueActivation.Celu => y > 0f ? 1f : y + 1f,
        EpilogueActivation.Selu => y > 0f ? SeluScale : y + SeluScale * SeluAlpha,
        EpilogueActivation.Softplus => -float.ExpM1(-y),
        EpilogueActivation.Softsign => (1f - MathF.Abs(y)) * (1f - MathF.Abs(y)),
        EpilogueActivation.Exponential => y,
        EpilogueActivation.HardSigmoid => y > 0f && y < 1f ? 1f / 6f : 0f,
        EpilogueActivation.HardTanh => y > -1f && y < 1f ? 1f : 0f,
        EpilogueActivation.LogSigmoid => -float.ExpM1(y),
        EpilogueActivation.SparseSigmoid => y > 0f && y < 1f ? 0.5f : 0f,
        _ => 1f,
    };
}
