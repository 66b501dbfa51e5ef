using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.DtypePolicies;

/// <summary>
/// A layer's dtype policy (Keras's <c>keras.DTypePolicy</c> / <c>keras.dtype_policies.DTypePolicy</c>): the dtype a layer
/// computes in and the dtype its variables are kept in. <c>"float32"</c> (the default) computes and stores in float32;
/// <c>"mixed_bfloat16"</c> computes in bfloat16 and keeps variables in float32, as Keras's mixed precision does.
/// </summary>
/// <remarks>
/// .NET 10 has no bfloat16 arithmetic (no AVX512_BF16 intrinsics), so bfloat16 is emulated: a bfloat16 value is a
/// float32 whose low 16 bits are zero, made by round-to-nearest-even where Keras would cast to bfloat16 (a layer's
/// inputs, its autocast variables and its outputs). The numerics are bfloat16's; the speed is float32's or a little slower.
/// Policies whose variables or arithmetic would need a type this runtime lacks (<c>"bfloat16"</c>, <c>"float16"</c>,
/// <c>"mixed_float16"</c>, <c>"float64"</c>) are refused with the reason.
/// </remarks>
public sealed class DTypePolicy : IKerasSerializable<DTypePolicy>, IEquatable<DTypePolicy>
{
    /// <summary>The policy names this runtime supports.</summary>
    internal const string Supported = "\"float32\" and \"mixed_bfloat16\"";

    /// <summary>
    /// Makes the policy named <paramref name="name"/> (Keras's <c>DTypePolicy(name)</c>): <c>"float32"</c> or
    /// <c>"mixed_bfloat16"</c>; null takes the calling flow's global policy (<see cref="Config.DtypePolicy"/>), as Keras does.
    /// </summary>
    public DTypePolicy(string? name = null)
    {
        name ??= Config.DtypePolicy().Name;
        (ComputeDtype, VariableDtype) = Parse(name, "DTypePolicy name");
        Name = name;
    }

    private DTypePolicy(string name, string compute, string variable)
    {
        Name = name;
        ComputeDtype = compute;
        VariableDtype = variable;
    }

    /// <summary>The float32 policy (Keras's default).</summary>
    internal static DTypePolicy Float32 { get; } = new("float32", "float32", "float32");

    /// <summary>The mixed_bfloat16 policy.</summary>
    internal static DTypePolicy MixedBfloat16 { get; } = new("mixed_bfloat16", "bfloat16", "float32");

    /// <summary>The policy's name (Keras's <c>name</c>): "float32" or "mixed_bfloat16".</summary>
    public string Name { get; }

    /// <summary>The dtype layers compute in and output (Keras's <c>compute_dtype</c>): "float32" or "bfloat16".</summary>
    public string ComputeDtype { get; }

    /// <summary>The dtype layers keep their variables in (Keras's <c>variable_dtype</c>): always "float32" here.</summary>
    public string VariableDtype { get; }

    /// <summary>Keras's <c>quantization_mode</c>: null, since quantized policies are not supported.</summary>
    public string? QuantizationMode => null;

    /// <summary>True when the policy computes in bfloat16 (its layers round their inputs, autocast variables and outputs).</summary>
    internal bool ComputesInBfloat16 => ComputeDtype == "bfloat16";

    /// <summary>The shared instance for a supported name (policies are immutable, so layers share them).</summary>
    internal static DTypePolicy Of(string name, string argument)
    {
        var (compute, _) = Parse(name, argument);
        return compute == "bfloat16" ? MixedBfloat16 : Float32;
    }

    /// <summary>
    /// The compute and variable dtypes of <paramref name="name"/>, or an error saying what is supported and why the
    /// name is not; <paramref name="argument"/> says where the name came from (a layer's dtype, a config field).
    /// </summary>
    private static (string Compute, string Variable) Parse(string name, string argument)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case "float32":
                return ("float32", "float32");
            case "mixed_bfloat16":
                return ("bfloat16", "float32");
            case "bfloat16":
                throw new NotSupportedException($"{argument} \"bfloat16\" is not supported: it keeps variables in bfloat16, and SharpKeras keeps variables in float32 only. " +
                    $"Use \"mixed_bfloat16\" (bfloat16 compute, float32 variables). Supported: {Supported}.");
            case "mixed_float16" or "float16":
                throw new NotSupportedException($"{argument} \"{name}\" is not supported: float16 needs loss scaling (Keras's LossScaleOptimizer), which SharpKeras does not have. " +
                    $"Use \"mixed_bfloat16\", which needs none. Supported: {Supported}.");
            case "float64":
                throw new NotSupportedException($"{argument} \"float64\" is not supported: SharpKeras computes in float32. Supported: {Supported}.");
            default:
                throw new ArgumentException($"{argument} '{name}' is not a dtype policy. Valid policies are 'mixed_bfloat16' and 'float32' " +
                    $"(Keras also names 'mixed_float16', 'bfloat16', 'float16' and 'float64', which SharpKeras does not support).", nameof(name));
        }
    }

    /// <summary>
    /// The policy a config's <c>"dtype"</c> field names (Keras's <c>dtype_policies.get</c>): a policy name, a dtype name, or a
    /// serialized DTypePolicy. Returns null for a non-float dtype ("int32", "bool", "string", ...), which names the dtype of a
    /// layer that does not compute in floats; such layers keep their own dtype handling.
    /// </summary>
    internal static DTypePolicy? FromConfigNode(JsonNode? node, string where)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue v when v.TryGetValue<string>(out var name):
                return IsNonFloat(name) ? null : Of(name, where);
            case JsonObject o:
                var cls = o["class_name"] is JsonValue c && c.TryGetValue<string>(out var cn) ? cn : null;
                if (cls is not ("DTypePolicy" or "FloatDTypePolicy" or "Policy"))
                {
                    throw new ConfigException($"{where}: dtype policy class '{cls ?? "(none)"}' is not supported; SharpKeras reads DTypePolicy (and its alias FloatDTypePolicy) " +
                        $"with names {Supported}, not quantized policies or DTypePolicyMap.");
                }
                var config = o["config"] as JsonObject ?? throw Cfg.Wrong(o, "config", "a DTypePolicy config object with a name", o["config"]);
                var policyName = config["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : throw Cfg.Wrong(config, "name", "a dtype policy name", config["name"]);
                return IsNonFloat(policyName) ? null : Of(policyName, where);
            default:
                throw new ConfigException($"{where} should be a dtype policy name or a serialized DTypePolicy, got {node.ToJsonString()}.");
        }
    }

    private static bool IsNonFloat(string name) =>
        name is "bool" or "string" || name.StartsWith("int", StringComparison.Ordinal) || name.StartsWith("uint", StringComparison.Ordinal);

    /// <summary>The policy's config (Keras's <c>get_config</c>): <c>{"name": ...}</c>.</summary>
    public JsonObject GetConfig() => new() { ["name"] = Name };

    /// <summary>Makes the policy from its config (Keras's <c>from_config</c>).</summary>
    public static DTypePolicy FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = config["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : throw Cfg.Wrong(config, "name", "a dtype policy name", config["name"]);
        return Of(name, "DTypePolicy config name");
    }

    /// <summary>The policy serialized as Keras writes it in a layer's "dtype" field (module "keras", class_name "DTypePolicy").</summary>
    public JsonObject Serialize() => new()
    {
        ["module"] = "keras",
        ["class_name"] = "DTypePolicy",
        ["config"] = GetConfig(),
        ["registered_name"] = null,
    };

    /// <summary>Policies are equal when their names are, as in Keras.</summary>
    public bool Equals(DTypePolicy? other) => other is not null && other.Name == Name;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DTypePolicy);

    /// <inheritdoc/>
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <summary>Keras's repr: <c>&lt;DTypePolicy "mixed_bfloat16"&gt;</c>.</summary>
    public override string ToString() => $"<DTypePolicy \"{Name}\">";

    /// <summary>A policy from its name, so that <c>layer.DtypePolicy = "float32"</c> reads as Keras's <c>dtype="float32"</c>.</summary>
    public static implicit operator DTypePolicy(string name) => Of(name, "dtype policy");
}
