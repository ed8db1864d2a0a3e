namespace Microsoft.ML.Deberta.Tests;

/// <summary>
/// The process's peak resident set size (Linux <c>/proc/self/status</c> VmHWM), resettable, so a test can measure
/// what one step adds at its peak. Tests run one at a time (MSTestSettings), so nothing else allocates meanwhile.
/// </summary>
internal static class PeakResidentMemory
{
    /// <summary>Marks the test Inconclusive where /proc/self/status does not exist.</summary>
    public static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("The peak resident set size is read from /proc/self/status, which only Linux has.");
    }

    /// <summary>Collects garbage, resets the peak to the current resident size and returns that size in bytes.</summary>
    public static long Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Linux resets VmHWM to the current resident size when "5" is written to clear_refs.
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS");
    }

    /// <summary>The peak resident size since the last <see cref="Reset"/>, in bytes.</summary>
    public static long Peak() => Read("VmHWM");

    /// <summary>The resident set size now, in bytes (Linux).</summary>
    public static long Current() => Read("VmRSS");

    private static long Read(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
