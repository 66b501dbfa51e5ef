using System.Globalization;
using System.Text;
using SharpKeras.Layers;

namespace SharpKeras.Models;

/// <summary>
/// Renders Keras 3's <c>model.summary()</c> table: heavy-headed box, word-wrapped cells, the same
/// column widths (rich's ratio reduction of Keras's positions), and the parameter totals.
/// </summary>
internal static class SummaryPrinter
{
    private static readonly double[] SequentialPositions = [0.45, 0.80, 1.0];
    private static readonly double[] FunctionalPositions = [0.3, 0.56, 0.74, 1.0];

    /// <summary>Keras's width: 88 at most (100 with the Trainable column), the terminal's columns minus 4, and 76 when output is not a terminal.</summary>
    public static int DefaultLineLength(int preferred = 88)
    {
        int columns = 80;
        if (!Console.IsOutputRedirected)
        {
            try
            {
                columns = Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            }
            catch (IOException)
            {
                columns = 80;
            }
        }
        return Math.Min(preferred, columns - 4);
    }

    private static bool IsChain(FunctionalGraph graph) =>
        graph.Outputs.Length == 1 && graph.Nodes.All(n => n.Inputs.Length <= 1) && graph.Nodes.GroupBy(n => n.Layer).All(g => g.Count() == 1);

    public static string Render(Model model, int? lineLength, bool expandNested = false, bool showTrainable = false)
    {
        int length = lineLength ?? DefaultLineLength(showTrainable ? 100 : 88);
        if (model is Sequential seq)
        {
            seq.TryBuildFromDeclaredShape();
        }
        // As Keras's sequential_like: a functional model that is a plain chain (one output, every call
        // taking one tensor, no layer called twice) prints the three-column table without "Connected to".
        bool functional = model.Graph is { } modelGraph && !IsChain(modelGraph);
        var positions = functional ? FunctionalPositions : SequentialPositions;
        if (showTrainable)
        {
            // As Keras: the other columns shrink to 90% and a Trainable column takes the rest.
            positions = [.. positions.Select(p => p * 0.90), 1.0];
        }
        var widths = ColumnWidths(length, positions);
        var rows = new List<string[]>();
        // A row's trailing cells: the Trainable flag, and the rows of a nested model's layers when expanded.
        void AddRow(Layer layer, string[] cells)
        {
            rows.Add(showTrainable ? [.. cells, TrainableFlag(layer)] : cells);
            if (expandNested && layer is Model nested)
            {
                AddNested(nested, 1);
            }
        }
        void AddNested(Model nested, int level)
        {
            foreach (var inner in nested.Layers)
            {
                string shape = inner.BuildInputShape is { } b ? TryShape(inner, b) : "?";
                var cells = new List<string> { $"{new string(' ', 3 * level)}└ {inner.Name} ({inner.ClassName})", shape, ParamCell(inner) };
                if (functional)
                {
                    cells.Add("-");
                }
                if (showTrainable)
                {
                    cells.Add(TrainableFlag(inner));
                }
                rows.Add([.. cells]);
                if (inner is Model deeper)
                {
                    AddNested(deeper, level + 1);
                }
            }
        }
        if (model.Graph is { } graph)
        {
            foreach (var layer in graph.Layers)
            {
                var nodes = graph.NodesOf(layer);
                // As Keras's format_layer_shape: a call returning several tensors lists each shape.
                string outShape = nodes.Count != 1 ? "multiple"
                    : nodes[0].Outputs.Length == 1 ? FormatShape(nodes[0].Output.Shape)
                    : $"[{string.Join(", ", nodes[0].Outputs.Select(o => FormatShape(o.Shape)))}]";
                var connections = string.Join(", ", nodes.SelectMany(n => n.Inputs)
                    .Select(t => $"{t.Layer.Name}[{t.NodeIndex}][{t.TensorIndex}]"));
                string[] cells = [$"{layer.Name} ({layer.ClassName})", outShape,
                    layer.CountParams().ToString("N0", CultureInfo.InvariantCulture), connections.Length == 0 ? "-" : connections];
                AddRow(layer, functional ? cells : cells[..3]);
            }
        }
        Shape? shape = model is Sequential s ? s.InputShape : null;
        foreach (var layer in model.Graph is not null ? [] : model.Layers)
        {
            string outShape = "?";
            if (shape is not null)
            {
                try
                {
                    shape = layer.ComputeOutputShape(shape);
                    outShape = FormatShape(shape);
                }
                catch (ArgumentException)
                {
                    shape = null;
                }
            }
            AddRow(layer, [$"{layer.Name} ({layer.ClassName})", outShape, ParamCell(layer)]);
        }

        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(model.Name).Append("\"\n");
        char[] align = functional ? ['l', 'l', 'r', 'l'] : ['l', 'l', 'r'];
        string[] headers = functional ? ["Layer (type)", "Output Shape", "Param #", "Connected to"] : ["Layer (type)", "Output Shape", "Param #"];
        if (showTrainable)
        {
            align = [.. align, 'c'];
            headers = [.. headers, "Trainable"];
        }
        sb.Append(Border('┏', '━', '┳', '┓', widths));
        AppendRow(sb, headers, widths, align, '┃');
        sb.Append(Border('┡', '━', '╇', '┩', widths));
        for (int i = 0; i < rows.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(Border('├', '─', '┼', '┤', widths));
            }
            AppendRow(sb, rows[i], widths, align, '│');
        }
        sb.Append(Border('└', '─', '┴', '┘', widths));

        long trainable = model.TrainableWeights.Sum(w => (long)w.Value.Length);
        long nonTrainable = model.NonTrainableWeights.Sum(w => (long)w.Value.Length);
        long optimizer = model.Optimizer is { Built: true } opt ? opt.CountParams() : 0;
        sb.Append(" Total params: ").Append(Count(trainable + nonTrainable + optimizer)).Append('\n');
        sb.Append(" Trainable params: ").Append(Count(trainable)).Append('\n');
        sb.Append(" Non-trainable params: ").Append(Count(nonTrainable)).Append('\n');
        if (model.Optimizer is { Built: true })
        {
            sb.Append(" Optimizer params: ").Append(Count(optimizer)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Keras's Trainable cell: Y or N for a layer with weights, "-" for one without.</summary>
    private static string TrainableFlag(Layer layer) => layer.Weights.Count == 0 ? "-" : layer.Trainable ? "Y" : "N";

    /// <summary>The parameter count, or "0 (unbuilt)" as Keras shows a layer not built yet.</summary>
    private static string ParamCell(Layer layer) => layer.Built || layer.CountParams() > 0
        ? layer.CountParams().ToString("N0", CultureInfo.InvariantCulture)
        : "0 (unbuilt)";

    private static string TryShape(Layer layer, Shape input)
    {
        try
        {
            return FormatShape(layer.ComputeOutputShape(input));
        }
        catch (ArgumentException)
        {
            return "?";
        }
    }

    /// <summary>"(None, 28, 28)": Keras's summary prints shapes without a trailing comma.</summary>
    public static string FormatShape(Shape s) =>
        "(" + string.Join(", ", s.ToArray().Select(d => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string Count(long n) =>
        $"{n.ToString("N0", CultureInfo.InvariantCulture)} ({ReadableMemorySize(n * 4.0)})";

    /// <summary>Keras's readable_memory_size: bytes in B, KB, MB, ... (powers of 1024) with two decimals.</summary>
    public static string ReadableMemorySize(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        foreach (var unit in units)
        {
            if (bytes / 1024 < 1)
            {
                return bytes.ToString("F2", CultureInfo.InvariantCulture) + " " + unit;
            }
            bytes /= 1024;
        }
        return bytes.ToString("F2", CultureInfo.InvariantCulture) + " PB";
    }

    /// <summary>
    /// Content widths of the columns for a table <paramref name="lineLength"/> wide: Keras's requested
    /// widths from the positions, then rich's even ratio reduction to fit the borders and padding.
    /// </summary>
    public static int[] ColumnWidths(int lineLength, double[] positions)
    {
        int n = positions.Length;
        var widths = new int[n];
        int used = 0;
        for (int i = 0; i < n; i++)
        {
            widths[i] = (int)(positions[i] * lineLength) - used + 2;
            used += widths[i] - 2;
        }
        int excess = widths.Sum() - (lineLength - (n + 1));
        if (excess > 0)
        {
            int remaining = excess;
            int ratioLeft = n;
            for (int i = 0; i < n; i++)
            {
                int d = Math.Min(widths[i], (int)Math.Round((double)remaining / ratioLeft, MidpointRounding.ToEven));
                widths[i] -= d;
                remaining -= d;
                ratioLeft--;
            }
        }
        return [.. widths.Select(w => w - 2)];
    }

    private static string Border(char left, char fill, char mid, char right, int[] widths)
    {
        var sb = new StringBuilder().Append(left);
        for (int i = 0; i < widths.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(mid);
            }
            sb.Append(fill, widths[i] + 2);
        }
        return sb.Append(right).Append('\n').ToString();
    }

    private static void AppendRow(StringBuilder sb, string[] cells, int[] widths, char[] align, char bar)
    {
        var wrapped = cells.Select((c, i) => Wrap(c, widths[i])).ToArray();
        int lines = wrapped.Max(w => w.Count);
        for (int line = 0; line < lines; line++)
        {
            sb.Append(bar);
            for (int i = 0; i < cells.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(bar);
                }
                string text = line < wrapped[i].Count ? wrapped[i][line] : "";
                sb.Append(' ').Append(align[i] switch
                {
                    'r' => text.PadLeft(widths[i]),
                    // rich centres with the odd space on the right.
                    'c' => text.PadLeft((widths[i] - text.Length) / 2 + text.Length).PadRight(widths[i]),
                    _ => text.PadRight(widths[i]),
                }).Append(' ');
            }
            sb.Append(bar).Append('\n');
        }
    }

    /// <summary>Greedy word wrap as rich does; a word longer than the width is cut with an ellipsis.</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var w = word.Length > width ? word[..(width - 1)] + "…" : word;
            if (current.Length == 0)
            {
                current.Append(w);
            }
            else if (current.Length + 1 + w.Length <= width)
            {
                current.Append(' ').Append(w);
            }
            else
            {
                lines.Add(current.ToString());
                current.Clear().Append(w);
            }
        }
        lines.Add(current.ToString());
        return lines;
    }
}
