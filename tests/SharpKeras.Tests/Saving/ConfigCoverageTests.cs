using System.Text.Json.Nodes;
using SharpKeras.Constraints;
using SharpKeras.Layers;
using SharpKeras.Optimizers.Schedules;
using SharpKeras.Regularizers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Every public learning-rate schedule, regularizer and constraint class of the library, found by
/// reflection, has a sample here that is registered with KerasSerializer and round-trips through its
/// Keras config; every activation identifier round-trips inside a layer config.
/// </summary>
public class ConfigCoverageTests
{
    private static readonly Dictionary<Type, Func<object>> s_samples = new()
    {
        [typeof(ExponentialDecay)] = () => new ExponentialDecay(0.02, 2, 0.5, staircase: true),
        [typeof(InverseTimeDecay)] = () => new InverseTimeDecay(0.1, 5, 0.5),
        [typeof(PiecewiseConstantDecay)] = () => new PiecewiseConstantDecay([1, 3], [0.02, 0.01, 0.005]),
        [typeof(PolynomialDecay)] = () => new PolynomialDecay(0.1, 10, 0.001, 2, cycle: true),
        [typeof(CosineDecay)] = () => new CosineDecay(0.0, 3, 0.1, warmupTarget: 0.2, warmupSteps: 2),
        [typeof(CosineDecayRestarts)] = () => new CosineDecayRestarts(0.1, 7, 1.5, 0.8, 0.05),
        [typeof(L1)] = () => new L1(0.3),
        [typeof(L2)] = () => new L2(0.2),
        [typeof(L1L2)] = () => new L1L2(0.3, 0.2),
        [typeof(OrthogonalRegularizer)] = () => new OrthogonalRegularizer(0.5, "columns"),
        [typeof(MaxNorm)] = () => new MaxNorm(3, [0, 1, 2]),
        [typeof(MinMaxNorm)] = () => new MinMaxNorm(0.2, 0.9, 0.5, 1),
        [typeof(NonNeg)] = () => new NonNeg(),
        [typeof(UnitNorm)] = () => new UnitNorm(1),
    };

    private static readonly Type[] s_bases = [typeof(LearningRateSchedule), typeof(Regularizer), typeof(Constraint)];

    private static IEnumerable<Type> PublicClasses() => typeof(Layer).Assembly.GetExportedTypes()
        .Where(t => t.IsClass && !t.IsAbstract && s_bases.Any(b => b.IsAssignableFrom(t)));

    public static TheoryData<string> Types() => [.. s_samples.Keys.Select(t => t.Name)];

    [Fact]
    public void EveryPublicClassHasASampleAndIsRegistered()
    {
        var missing = PublicClasses().Where(t => !s_samples.ContainsKey(t)).Select(t => t.FullName).ToArray();
        Assert.True(missing.Length == 0, $"Public classes without a round-trip sample in {nameof(ConfigCoverageTests)}: {string.Join(", ", missing)}");
        var unregistered = PublicClasses().Where(t => !KerasSerializer.IsRegistered(t)).Select(t => t.FullName).ToArray();
        Assert.True(unregistered.Length == 0, $"Public classes not registered with KerasSerializer: {string.Join(", ", unregistered)}");
        Assert.True(PublicClasses().Count() >= 14, $"found only {PublicClasses().Count()} public classes; the reflection scan is broken");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void EveryClassRoundTripsThroughItsKerasConfig(string typeName)
    {
        var sample = s_samples.Single(kv => kv.Key.Name == typeName).Value();
        (JsonObject Node, Func<JsonNode, object> Read) io = sample switch
        {
            LearningRateSchedule s => (KerasSerializer.Serialize(s), n => KerasSerializer.LearningRateSchedule(n)),
            Regularizer r => (KerasSerializer.Serialize(r)!, n => KerasSerializer.Regularizer(n)!),
            Constraint c => (KerasSerializer.Serialize(c)!, n => KerasSerializer.Constraint(n)!),
            _ => throw new InvalidOperationException(typeName),
        };
        Assert.Equal(typeName, io.Node["class_name"]!.GetValue<string>());
        var back = io.Read(JsonNode.Parse(io.Node.ToJsonString())!);
        Assert.Equal(sample.GetType(), back.GetType());
        var again = back switch
        {
            LearningRateSchedule s => KerasSerializer.Serialize(s),
            Regularizer r => KerasSerializer.Serialize(r)!,
            _ => KerasSerializer.Serialize((Constraint)back)!,
        };
        Assert.Equal(io.Node.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void EveryActivationIdentifierRoundTripsInALayerConfig()
    {
        Assert.True(SharpKeras.Activations.Names.Count >= 30, $"only {SharpKeras.Activations.Names.Count} activation names");
        foreach (var name in SharpKeras.Activations.Names)
        {
            var layer = new Activation(name);
            var back = (Activation)KerasSerializer.Layer(JsonNode.Parse(KerasSerializer.Serialize(layer).ToJsonString())!);
            Assert.Equal(layer.Function.Name, back.Function.Name);
            Assert.Equal(layer.GetConfig().ToJsonString(), back.GetConfig().ToJsonString());
        }
    }
}
