namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>One input row for the fresh-process round trip: a text and its label.</summary>
public sealed class TextRow
{
    public string Text { get; set; } = "";

    public string Label { get; set; } = "";

    /// <summary>Rows from a TSV of <c>text&lt;TAB&gt;label</c> lines.</summary>
    public static List<TextRow> ReadTsv(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(p => new TextRow { Text = p[0], Label = p.Length > 1 ? p[1] : "" }).ToList();
}

/// <summary>What a prediction engine returns for the round trip.</summary>
public sealed class TextPrediction
{
    public float[] Score { get; set; } = [];

    public string PredictedLabelValue { get; set; } = "";
}
