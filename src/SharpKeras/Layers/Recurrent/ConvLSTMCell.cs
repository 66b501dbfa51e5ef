using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Keras's ConvLSTMCell for 2-D images, channels_last: the weights of <see cref="ConvLSTM2D"/> (kernel
/// (kh, kw, in, 4*filters), recurrent_kernel (kh, kw, filters, 4*filters), bias (4*filters), gates i, f, c, o)
/// and one step of it. Keras does not export the cell, so neither does SharpKeras; it exists so that the
/// weights live under "cell" in .keras files and under "conv_lstm_cell" in .h5 files, as Keras writes them.
/// </summary>
internal sealed class ConvLSTMCell : Layer
{
    private Variable? _kernel;
    private Variable? _recurrentKernel;
    private Variable? _bias;

    /// <summary>Stores the configuration the owning layer validated.</summary>
    public ConvLSTMCell(ConvLSTM2D owner) : base("conv_lstm_cell") => Owner = owner;

    /// <summary>The layer whose configuration this cell runs.</summary>
    public ConvLSTM2D Owner { get; }

    /// <summary>The input kernel; null before build.</summary>
    public Tensor? Kernel => _kernel?.Value;

    /// <summary>The recurrent kernel; null before build.</summary>
    public Tensor? RecurrentKernel => _recurrentKernel?.Value;

    /// <summary>The bias; null before build or without one.</summary>
    public Tensor? Bias => _bias?.Value;

    /// <summary>Builds the weights for step inputs (batch, height, width, channels).</summary>
    protected override void Build(Shape inputShape)
    {
        var o = Owner;
        int f = o.Filters;
        _kernel = AddWeight("kernel", new Shape(o.KernelSize.Height, o.KernelSize.Width, inputShape[-1], 4 * f), o.KernelInitializer, true, o.KernelRegularizer, o.KernelConstraint);
        _recurrentKernel = AddWeight("recurrent_kernel", new Shape(o.KernelSize.Height, o.KernelSize.Width, f, 4 * f), o.RecurrentInitializer, true, o.RecurrentRegularizer, o.RecurrentConstraint);
        if (o.UseBias)
        {
            _bias = AddWeight("bias", new Shape(4 * f), o.UnitForgetBias ? new ForgetBiasOnes(o.BiasInitializer, f) : o.BiasInitializer, true, o.BiasRegularizer, o.BiasConstraint);
        }
    }

    /// <summary>Keras's unit_forget_bias initial bias: the bias initializer for i, ones for f, the initializer for c and o.</summary>
    private sealed class ForgetBiasOnes(Initializer inner, int filters) : Initializer
    {
        public override Tensor Call(Shape shape)
        {
            var t = Tensor.Zeros(shape);
            var s = t.Span;
            inner.Call(new Shape(filters)).Span.CopyTo(s[..filters]);
            s.Slice(filters, filters).Fill(1f);
            inner.Call(new Shape(2 * filters)).Span.CopyTo(s[(2 * filters)..]);
            return t;
        }
    }

    /// <summary>
    /// One step from the step's input convolution <paramref name="inputPart"/> (bias included) and the states
    /// [h, c]: the recurrent convolution always has stride 1 and "same" padding, as Keras's recurrent_conv.
    /// </summary>
    public (Tensor H, Tensor C) Step(Tensor inputPart, Tensor h, Tensor c) => Step(inputPart, h, c, null);

    /// <summary>
    /// One step as <see cref="Step(Tensor, Tensor, Tensor)"/>, with Keras's recurrent dropout when <paramref name="recurrentMasks"/>
    /// is given: gate g's recurrent convolution sees h times masks[g] (Keras's h_tm1_i, h_tm1_f, h_tm1_c, h_tm1_o).
    /// </summary>
    public (Tensor H, Tensor C) Step(Tensor inputPart, Tensor h, Tensor c, Tensor[]? recurrentMasks)
    {
        var o = Owner;
        int f = o.Filters;
        var z = Ops.Add(inputPart, recurrentMasks is null
            ? Ops.Convolve(h, _recurrentKernel!.Value, null, [1, 1], "same", [1, 1], Backend.EpilogueActivation.None)
            : PerGate(recurrentMasks, g => Ops.Convolve(Ops.Multiply(h, recurrentMasks[g]), Ops.SliceLast(_recurrentKernel!.Value, g * f, f), null,
                [1, 1], "same", [1, 1], Backend.EpilogueActivation.None)));
        var i = o.RecurrentActivation.Call(Ops.SliceLast(z, 0, f));
        var fg = o.RecurrentActivation.Call(Ops.SliceLast(z, f, f));
        var g = o.Activation.Call(Ops.SliceLast(z, 2 * f, f));
        var og = o.RecurrentActivation.Call(Ops.SliceLast(z, 3 * f, f));
        var next = Ops.Add(Ops.Multiply(fg, c), Ops.Multiply(i, g));
        return (Ops.Multiply(og, o.Activation.Call(next)), next);
    }

    /// <summary>
    /// The input convolution of a whole sequence <paramref name="x"/> (batch, time, height, width, channels) with Keras's input
    /// dropout: gate g convolves x times masks[g] (each (batch, 1, height, width, channels), the same for every step), bias
    /// included; the result is (batch * time, new_height, new_width, 4 * filters), as <see cref="InputConv(Tensor)"/> of the folded sequence.
    /// </summary>
    public Tensor InputConv(Tensor x, Tensor[] masks)
    {
        var o = Owner;
        int f = o.Filters, b = x.Shape[0], t = x.Shape[1];
        return PerGate(masks, g => Ops.Convolve(Ops.Reshape(Ops.Multiply(x, masks[g]), b * t, x.Shape[2], x.Shape[3], x.Shape[4]),
            Ops.SliceLast(_kernel!.Value, g * f, f), _bias is null ? null : Ops.SliceLast(_bias.Value, g * f, f),
            [o.Strides.Height, o.Strides.Width], o.Padding, [o.DilationRate.Height, o.DilationRate.Width], Backend.EpilogueActivation.None));
    }

    // The four gates' parts, side by side on the last axis in Keras's order i, f, c, o.
    private static Tensor PerGate(Tensor[] masks, Func<int, Tensor> gate)
    {
        if (masks.Length != 4)
        {
            throw new ArgumentException($"ConvLSTMCell: expected one dropout mask per gate (4), got {masks.Length}.", nameof(masks));
        }
        return Ops.Concatenate([gate(0), gate(1), gate(2), gate(3)], axis: -1);
    }

    /// <summary>The input convolution of step inputs (n, height, width, channels), bias included.</summary>
    public Tensor InputConv(Tensor x) => Ops.Convolve(x, _kernel!.Value, _bias?.Value,
        [Owner.Strides.Height, Owner.Strides.Width], Owner.Padding, [Owner.DilationRate.Height, Owner.DilationRate.Width], Backend.EpilogueActivation.None);

    /// <summary>The (batch, height', width', filters) shape of the states for step inputs of <paramref name="inputShape"/>.</summary>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var o = Owner;
        int Out(int size, int k, int s, int d) => size < 0 ? -1 : Ops.ConvOutputLength(size, k, s, d, o.Padding);
        return new Shape(inputShape[0], Out(inputShape[1], o.KernelSize.Height, o.Strides.Height, o.DilationRate.Height),
            Out(inputShape[2], o.KernelSize.Width, o.Strides.Width, o.DilationRate.Width), o.Filters);
    }

    /// <summary>One step from zero states, as Keras's cell called on its own.</summary>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var zeros = Tensor.Zeros(ComputeOutputShape(inputs.Shape));
        return Step(InputConv(inputs), zeros, zeros).H;
    }
}
