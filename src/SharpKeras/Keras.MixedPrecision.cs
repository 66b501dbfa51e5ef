using SharpKeras.DtypePolicies;

namespace SharpKeras;

/// <summary>keras.mixed_precision: the global dtype policy under the names Keras kept from TensorFlow.</summary>
public static partial class Keras
{
    /// <summary>
    /// keras.mixed_precision: <c>set_global_policy</c> and <c>global_policy</c>, aliases of <see cref="Config.SetDtypePolicy(string)"/>
    /// and <see cref="Config.DtypePolicy"/> (per flow, float32 unless set).
    /// </summary>
    public static class MixedPrecision
    {
        /// <summary>Sets the calling flow's global dtype policy (Keras's <c>keras.mixed_precision.set_global_policy</c>).</summary>
        public static void SetGlobalPolicy(string policy) => Config.SetDtypePolicy(policy);

        /// <summary>Sets the calling flow's global dtype policy (Keras's <c>keras.mixed_precision.set_global_policy</c>).</summary>
        public static void SetGlobalPolicy(DTypePolicy policy) => Config.SetDtypePolicy(policy);

        /// <summary>The calling flow's global dtype policy (Keras's <c>keras.mixed_precision.global_policy</c>).</summary>
        public static DTypePolicy GlobalPolicy() => Config.DtypePolicy();
    }
}
