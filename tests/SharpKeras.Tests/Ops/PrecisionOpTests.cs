namespace SharpKeras.Tests.Operations;

/// <summary>The bfloat16 rounding op: its forward rounds, and its gradient is the incoming gradient rounded to bfloat16 (Keras's cast gradient).</summary>
public class PrecisionOpTests
{
    private static bool IsBfloat16(float v) => (BitConverter.SingleToUInt32Bits(v) & 0xFFFFu) == 0;

    [Fact]
    public void GradientIsTheIncomingGradientRounded()
    {
        var x = GradCheck.Random(3, -2f, 2f, 5, 7);
        var w = GradCheck.Random(4, -3f, 3f, 5, 7);
        Tensor? grad;
        Tensor y;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            y = SharpKeras.Ops.RoundToBfloat16(x);
            var loss = SharpKeras.Ops.Sum(SharpKeras.Ops.Multiply(y, w));
            grad = tape.Gradient(loss, [x])[0];
        }
        Assert.NotNull(grad);
        var xs = x.ToArray();
        var ys = y.ToArray();
        var ws = w.ToArray();
        var gs = grad!.ToArray();
        var expectedGrad = new float[ws.Length];
        SharpKeras.Backend.Reference.ReferenceBackend.Instance.RoundToBfloat16(ws, expectedGrad);
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.True(IsBfloat16(ys[i]), $"y[{i}] = {ys[i]} is not a bfloat16");
            Assert.True(MathF.Abs(ys[i] - xs[i]) <= MathF.Abs(xs[i]) * (1f / 256f), $"y[{i}] = {ys[i]} is not the nearest bfloat16 of {xs[i]}");
            Assert.Equal(expectedGrad[i], gs[i]);
            Assert.True(IsBfloat16(gs[i]), $"gradient [{i}] = {gs[i]} is not a bfloat16");
        }
        // The weights were not bfloat16, so rounding the gradient must have changed some of them.
        Assert.Contains(ws, v => !IsBfloat16(v));
    }
}
