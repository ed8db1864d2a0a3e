namespace Microsoft.ML.Deberta.AutoML;

/// <summary>Samples the process's working set while a trial runs and keeps the largest value (libtorch's memory included).</summary>
internal sealed class PeakMemoryProbe : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakMemoryProbe()
    {
        _peak = Environment.WorkingSet;
        _timer = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The largest working set seen so far, in bytes.</summary>
    public long PeakBytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    private void Sample()
    {
        long now = Environment.WorkingSet;
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen) { }
    }

    public void Dispose() => _timer.Dispose();
}
