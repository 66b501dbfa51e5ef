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
        var bar = new Progbar(6, sw, dynamic: false, clock: () => now);
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
        var bar = new Progbar(3, sw, dynamic: false, interval: 0);
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
        var bar = new Progbar(10, sw, dynamic: true, interval: 0, clock: () => now);
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
