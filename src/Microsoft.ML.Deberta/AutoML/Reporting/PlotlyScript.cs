namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// plotly.js as Plotly.NET ships it (an embedded resource of its assembly), to inline into the report so that it opens
/// without a network (no CDN), and its licence header.
/// </summary>
internal static class PlotlyScript
{
    private static readonly Lazy<string> Script = new(() => Read(".min.js"));

    public static string Text => Script.Value;

    private static string Read(string suffix)
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Plotly.NET {assembly.GetName().Version} does not embed plotly.js; the report cannot be written offline.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        // "</script" inside the script would end the inline element early.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }
}
