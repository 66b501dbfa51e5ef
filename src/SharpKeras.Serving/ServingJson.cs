using System.Text.Json.Serialization;

namespace SharpKeras.Serving;

/// <summary>TF Serving's answer to <c>GET /v1/models/NAME</c>.</summary>
internal sealed record ModelStatusResponse(IReadOnlyList<ModelVersionStatus> ModelVersionStatus);

/// <summary>One version's state in <see cref="ModelStatusResponse"/>.</summary>
internal sealed record ModelVersionStatus(string Version, string State, StatusCode Status);

/// <summary>TF Serving's error code and message of a model version.</summary>
internal sealed record StatusCode(string ErrorCode, string ErrorMessage);

/// <summary>TF Serving's answer to <c>GET /v1/models/NAME/metadata</c>.</summary>
internal sealed record MetadataResponse(ModelSpec ModelSpec, MetadataBody Metadata);

/// <summary>Which model and version a response is about.</summary>
internal sealed record ModelSpec(string Name, string SignatureName, string Version);

/// <summary>The metadata map, holding the signature definitions.</summary>
internal sealed record MetadataBody(SignatureDefMap SignatureDef);

/// <summary>Signature definitions by name (TF Serving nests the map in a field of the same name).</summary>
internal sealed record SignatureDefMap(IReadOnlyDictionary<string, SignatureDef> SignatureDef);

/// <summary>One signature: its input and output tensors and method.</summary>
internal sealed record SignatureDef(IReadOnlyDictionary<string, TensorInfo> Inputs, IReadOnlyDictionary<string, TensorInfo> Outputs, string MethodName);

/// <summary>A tensor of a signature: dtype, shape and graph name.</summary>
internal sealed record TensorInfo(string Dtype, TensorShape TensorShape, string Name);

/// <summary>A tensor shape in TF's proto JSON form (sizes as strings, -1 unknown).</summary>
internal sealed record TensorShape(IReadOnlyList<Dim> Dim, bool UnknownRank);

/// <summary>One dimension of <see cref="TensorShape"/>.</summary>
internal sealed record Dim(string Size, string Name);

/// <summary>The error body TF Serving answers with: <c>{"error": "..."}</c>.</summary>
internal sealed record ErrorResponse(string Error);

/// <summary>Source-generated JSON for the fixed-shape responses (no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ModelStatusResponse))]
[JsonSerializable(typeof(MetadataResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class ServingJsonContext : JsonSerializerContext;
