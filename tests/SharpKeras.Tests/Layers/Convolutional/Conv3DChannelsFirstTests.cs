using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Saving;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Convolutional;

/// <summary>Conv3D, Conv3DTranspose, MaxPooling3D and AveragePooling3D with data_format "channels_first": the channels_last result, transposed.</summary>
public class Conv3DChannelsFirstTests
{
    private static Tensor ToFirst(Tensor x) => Ops.Transpose(x, 0, 4, 1, 2, 3);

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5f * Math.Max(1, Math.Abs(e[i])), $"[{i}]: channels_last {e[i]}, channels_first {a[i]}");
        }
    }

    public static TheoryData<string> Kinds() => ["conv3d", "conv3d_transpose", "max_pooling3d", "average_pooling3d"];

    private static Layer Make(string kind, string dataFormat) => kind switch
    {
        "conv3d" => new Conv3D(4, (2, 3, 1), strides: (1, 2, 1), padding: "same", dataFormat: dataFormat, groups: 2, activation: "relu"),
        "conv3d_transpose" => new Conv3DTranspose(3, 2, strides: 2, padding: "same", dataFormat: dataFormat, outputPadding: (1, 0, 1), activation: "tanh"),
        "max_pooling3d" => new MaxPooling3D((2, 1, 2), strides: (1, 1, 2), padding: "same", dataFormat: dataFormat),
        "average_pooling3d" => new AveragePooling3D(2, padding: "same", dataFormat: dataFormat),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown layer kind"),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ChannelsFirstIsTheChannelsLastResultTransposed(string kind)
    {
        var last = Make(kind, "channels_last");
        var first = Make(kind, "channels_first");
        var x = Random(1, -1, 1, 2, 3, 4, 5, 2);
        var expected = last.Apply(x);
        first.EnsureBuilt(ToFirst(x).Shape);
        for (int i = 0; i < last.Weights.Count; i++)
        {
            Assert.Equal(last.Weights[i].Value.Shape, first.Weights[i].Value.Shape);
            first.Weights[i].Assign(last.Weights[i].Value);
        }
        var actual = first.Apply(ToFirst(x));
        AssertClose(ToFirst(expected), actual);
        Assert.Equal(ToFirst(expected).Shape, first.ComputeOutputShape(ToFirst(x).Shape));
        Assert.Equal(new Shape([-1, .. first.ComputeOutputShape(ToFirst(x).Shape).Dims[1..]]),
            first.ComputeOutputShape(new Shape([-1, .. ToFirst(x).Shape.Dims[1..]])));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ConfigRoundTripsWithChannelsFirst(string kind)
    {
        var layer = Make(kind, "channels_first");
        var config = layer.GetConfig();
        Assert.Equal("channels_first", (string?)config["data_format"]);
        var back = KerasSerializer.Layer(KerasSerializer.Serialize(layer));
        Assert.IsType(layer.GetType(), back);
        Assert.True(JsonNode.DeepEquals(config, back.GetConfig()), $"{config.ToJsonString()}\nversus\n{back.GetConfig().ToJsonString()}");
    }

    [Fact]
    public void GradientsFlowThroughTheTransposes()
    {
        var conv = new Conv3D(2, 2, padding: "same", dataFormat: "channels_first", activation: "tanh");
        var x = Random(2, -1, 1, 1, 2, 3, 3, 2);
        conv.Apply(x);
        Check(t => conv.Apply(t[0]), [x, conv.Weights[0].Value]);
        var up = new Conv3DTranspose(2, 2, strides: 2, dataFormat: "channels_first");
        up.Apply(x);
        Check(t => up.Apply(t[0]), [x]);
    }

    [Fact]
    public void BadDataFormatAndChannelsNameTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv3D(2, 2, dataFormat: "channels_middle"));
        Assert.Contains("channels_middle", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MaxPooling3D(dataFormat: "NCDHW"));
        var conv = new Conv3D(2, 2, dataFormat: "channels_first");
        conv.Apply(Random(3, -1, 1, 1, 2, 3, 3, 3));
        var bad = Assert.Throws<ArgumentException>(() => conv.Apply(Random(3, -1, 1, 1, 4, 3, 3, 3)));
        Assert.Contains(conv.Name, bad.Message, StringComparison.Ordinal);
    }
}
