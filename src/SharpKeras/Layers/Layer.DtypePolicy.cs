using SharpKeras.DtypePolicies;

namespace SharpKeras.Layers;

/// <summary>The dtype policy of a layer: Keras's <c>dtype_policy</c>, <c>compute_dtype</c> and <c>variable_dtype</c>, and the casts around its call.</summary>
public abstract partial class Layer
{
    // Taken from the calling flow's global policy when the layer is made, as Keras's Layer(dtype=None).
    private DTypePolicy _dtypePolicy = Config.DtypePolicy();

    /// <summary>
    /// The layer's dtype policy (Keras's <c>dtype_policy</c>, and its <c>dtype=</c> argument): the global policy
    /// (<see cref="Config.DtypePolicy"/>) when the layer was made, unless set, e.g. <c>new Dense(10) { DtypePolicy = "float32" }</c>
    /// for Keras's <c>Dense(10, dtype="float32")</c>. Under <c>"mixed_bfloat16"</c> the call rounds its float inputs, its
    /// trainable weights and its outputs to bfloat16 (emulated in float32); the weights stay float32.
    /// </summary>
    public DTypePolicy DtypePolicy
    {
        get => _dtypePolicy;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _dtypePolicy = value;
            // Planned training steps and inference plans recorded the casts of the old policy.
            StructureChanged();
        }
    }

    /// <summary>The dtype the layer computes in and outputs (Keras's <c>compute_dtype</c>): "float32" or "bfloat16".</summary>
    public string ComputeDtype => _dtypePolicy.ComputeDtype;

    /// <summary>The dtype the layer keeps its weights in (Keras's <c>variable_dtype</c>, and <c>dtype</c>): "float32".</summary>
    public string VariableDtype => _dtypePolicy.VariableDtype;

    /// <summary>
    /// Whether a bfloat16 policy rounds the call's inputs and outputs (Keras's <c>_convert_input_args</c>); functional and
    /// Sequential models do not (their layers do), so that a float32 first layer sees its input unrounded, as in Keras.
    /// </summary>
    private protected virtual bool ConvertsInputsAndOutputs => true;

    /// <summary>True when this layer's call rounds its inputs and outputs to bfloat16.</summary>
    private bool RoundsCall => _dtypePolicy.ComputesInBfloat16 && ConvertsInputsAndOutputs;

    /// <summary>
    /// A tensor cast to the bfloat16 compute dtype (Keras's convert_input with autocast): float tensors not already bfloat16
    /// are rounded, keeping their mask; integer tensors (labels, token ids) pass as they are.
    /// </summary>
    private protected static Tensor ToComputeDtype(Tensor t)
    {
        if (!t.IsFloat || t.HoldsBfloat16)
        {
            return t;
        }
        var rounded = Ops.RoundToBfloat16(t);
        rounded.KerasMask = t.KerasMask;
        return rounded;
    }
}
