using SharpKeras.Callbacks;

namespace SharpKeras.Tests.Callbacks;

public class ProgbarTests
{
    private static readonly KeyValuePair<string, double>[] Logs = [new("loss", 0.66723), new("accuracy", 0.77771)];

    [Fact]
    public void FinalLineHasKerasLayout()
    {
        var sw = new StringWriter();
        double now = 0;
        var bar = new Progbar(6, sw, dynamic: false, clock: () => now, style: ProgbarStyle.Keras2);
        for (int step = 1; step <= 6; step++)
        {
            now = 0.1 + 0.042 * step;
            bar.Update(step, Logs);
        }
        Assert.Equal("6/6 [==============================] - 0s 42ms/step - loss: 0.6672 - accuracy: 0.7777\n", sw.ToString());
    }

    [Fact]
    public void RedirectedOutputWritesOneLinePerBar()
    {
        var sw = new StringWriter();
        var bar = new Progbar(3, sw, dynamic: false, interval: 0, style: ProgbarStyle.Keras2);
        bar.Update(1, Logs);
        bar.Update(2, Logs);
        Assert.Equal("", sw.ToString());
        bar.Update(3, Logs);
        Assert.Single(sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void TerminalOutputIsRedrawnInPlace()
    {
        var sw = new StringWriter();
        double now = 0;
        var bar = new Progbar(10, sw, dynamic: true, interval: 0, clock: () => now, style: ProgbarStyle.Keras2);
        now = 1;
        bar.Update(1, Logs);
        now = 2;
        bar.Update(5, Logs);
        string text = sw.ToString();
        Assert.StartsWith("\r 1/10 [==>...........................] - ETA: 9s - loss: 0.6672", text);
        Assert.Contains("\r 5/10 [==============>...............] - ETA: 1s", text);
        Assert.Contains("\b", text);
        Assert.DoesNotContain("\n", text);
        now = 3;
        bar.Update(10, Logs);
        Assert.EndsWith("\n", sw.ToString());
    }

    [Fact]
    public void FormatsValuesAndTimesAsKeras()
    {
        Assert.Equal("0.6672", Progbar.FormatValue(0.66723));
        Assert.Equal("1.2346e-04", Progbar.FormatValue(0.00012346));
        Assert.Equal(" 2s/step", Progbar.FormatTime(2.4, "step"));
        Assert.Equal(" 42ms/step", Progbar.FormatTime(0.042, "step"));
        Assert.Equal(" 310us/step", Progbar.FormatTime(0.00031, "step"));
        Assert.Equal("1:05", Progbar.FormatEta(65));
        Assert.Equal("1:01:05", Progbar.FormatEta(3665));
    }
}

/// <summary>Keras 3's bar (the default style), as keras/src/utils/progbar.py draws it.</summary>
public class Keras3ProgbarTests
{
    private static readonly KeyValuePair<string, double>[] Logs = [new("accuracy", 0.8), new("loss", 0.5)];

    [Fact]
    public void FinalLineHasKeras3Layout()
    {
        var sw = new StringWriter();
        double now = 0;
        var bar = new Progbar(469, sw, dynamic: false, clock: () => now, style: ProgbarStyle.Keras3);
        for (int step = 1; step <= 469; step++)
        {
            now = 0.3 + 0.004 * step;
            bar.Update(step, Logs);
        }
        Assert.Equal("469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.8000 - loss: 0.5000\n", sw.ToString());
    }

    [Fact]
    public void VerboseTwoIsOneLineWithDashes()
    {
        var sw = new StringWriter();
        double now = 0;
        var bar = new Progbar(469, sw, clock: () => now, verbose: 2, style: ProgbarStyle.Keras3);
        for (int step = 1; step <= 469; step++)
        {
            now = 0.3 + 0.004 * step;
            bar.Update(step, Logs);
        }
        Assert.Equal("469/469 - 2s - 4ms/step - accuracy: 0.8000 - loss: 0.5000\n", sw.ToString());
    }

    [Fact]
    public void TerminalBarIsColouredAndRedrawnWithEta()
    {
        var sw = new StringWriter();
        double now = 0;
        var bar = new Progbar(10, sw, dynamic: true, interval: 0, clock: () => now, style: ProgbarStyle.Keras3);
        now = 1;
        bar.Update(1, Logs);
        now = 2;
        bar.Update(5, Logs);
        string text = sw.ToString();
        Assert.StartsWith("\r\u001b[1m 1/10\u001b[0m \u001b[32m━━\u001b[0m\u001b[37m━━━━━━━━━━━━━━━━━━\u001b[0m \u001b[1m9s\u001b[0m 1s/step - accuracy: 0.8000", text);
        Assert.Contains("\u001b[1m 5/10\u001b[0m \u001b[32m━━━━━━━━━━\u001b[0m", text);
        Assert.Contains("\u001b[1m1s\u001b[0m 250ms/step", text);
        Assert.DoesNotContain("\n", text);
        now = 3;
        bar.Update(10, Logs);
        Assert.EndsWith("\n", sw.ToString());
    }

    [Fact]
    public void ValuesKeepTheOrderTheyWereFirstSeenIn()
    {
        var sw = new StringWriter();
        var bar = new Progbar(2, sw, dynamic: false, interval: 0, clock: () => 0, style: ProgbarStyle.Keras3);
        bar.Update(1, Logs);
        bar.Update(2, [new("loss", 0.25), new("accuracy", 0.5), new("val_loss", 0.0001)]);
        Assert.Equal("2/2 ━━━━━━━━━━━━━━━━━━━━ 0s 0s/step - accuracy: 0.5000 - loss: 0.2500 - val_loss: 1.0000e-04\n", sw.ToString());
    }

    [Fact]
    public void LoggerSortsMetricsAsKeras3PrintsThem()
    {
        var sw = new StringWriter();
        var logger = new ProgbarLogger(sw, dynamic: false, style: ProgbarStyle.Keras3);
        logger.Params = new TrainingParams(1, 2, 1);
        logger.OnEpochBegin(0);
        logger.OnTrainBatchEnd(0, new Dictionary<string, double> { ["loss"] = 1, ["accuracy"] = 0.5 });
        logger.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1, ["accuracy"] = 0.5, ["val_loss"] = 2, ["val_accuracy"] = 0.25 });
        Assert.Matches(@"^2/2 ━{20} \d+s \d+(s|ms|us)/step - accuracy: 0\.5000 - loss: 1\.0000 - val_accuracy: 0\.2500 - val_loss: 2\.0000\n$", sw.ToString());
    }
}
