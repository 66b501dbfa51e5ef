using System.Diagnostics;

namespace SharpKeras.Bench;

/// <summary>One run being watched: stop it after the run to get its <see cref="MemoryUse"/>.</summary>
public sealed class MemoryWatch : IDisposable
{
    private readonly Process _process;
    private readonly bool _reset;
    private readonly long? _before;
    private readonly Timer? _sampler;
    private readonly object _gate = new();
    private long _managedPeak;
    private long _lastGcIndex;
    private MemoryUse? _result;

    internal MemoryWatch(Process process, bool managedHeap)
    {
        _process = process;
        _reset = MemoryProbe.TryResetPeak(process.Id);
        if (_reset && MemoryProbe.ReadStatus(process.Id) is { } s)
        {
            _before = s.Resident;
        }
        else
        {
            process.Refresh();
            _before = process.WorkingSet64;
        }
        if (managedHeap)
        {
            // Collections before the run are not this run's: only those after this index count.
            _lastGcIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
            SampleManaged();
            // Every 10 ms: a few microseconds each, so the timed work is not disturbed; a spike shorter than that can be missed.
            _sampler = new Timer(_ => SampleManaged(), null, 10, 10);
        }
    }

    private void SampleManaged()
    {
        // GC.GetTotalMemory(false) counts garbage not yet collected too: the heap's real size between collections.
        long total = GC.GetTotalMemory(forceFullCollection: false);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        lock (_gate)
        {
            _managedPeak = Math.Max(_managedPeak, total);
            // The heap peaks just before a collection: the latest collection's size before it catches what sampling missed.
            if (info.Index > _lastGcIndex)
            {
                long beforeGc = 0;
                foreach (var g in info.GenerationInfo)
                {
                    beforeGc += g.SizeBeforeBytes;
                }
                _managedPeak = Math.Max(_managedPeak, beforeGc);
                _lastGcIndex = info.Index;
            }
        }
    }

    /// <summary>Reads the peak after the run (the first call decides; later calls return the same figure).</summary>
    public MemoryUse Stop()
    {
        if (_result is not null)
        {
            return _result;
        }
        long? managed = null;
        if (_sampler is not null)
        {
            _sampler.Dispose();
            SampleManaged();
            lock (_gate)
            {
                managed = _managedPeak;
            }
        }
        long peak;
        if (MemoryProbe.ReadStatus(_process.Id) is { } s)
        {
            peak = s.Peak;
        }
        else
        {
            _process.Refresh();
            peak = _process.PeakWorkingSet64;
        }
        return _result = MemoryProbe.FromReadings(_reset, _before, peak, managed);
    }

    /// <summary>Stops the sampler.</summary>
    public void Dispose() => _sampler?.Dispose();
}
