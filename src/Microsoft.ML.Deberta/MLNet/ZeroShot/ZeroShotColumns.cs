using System.Text.Json.Nodes;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Zero-shot's output columns when the candidate labels come from a column (so they differ from row to row):
/// <c>Labels</c> (Vector&lt;Text&gt;, the row's labels), <c>Score</c> (Vector&lt;Single&gt;, aligned) and
/// <c>PredictedLabel</c> (Text).
/// </summary>
internal sealed class ZeroShotColumns(string labels, string score, string predictedLabel) : ITaskOutputColumns<ZeroShotRow>
{
    public const string Kind = "zero-shot-classification";

    public string TaskKind => Kind;

    public string Labels { get; } = labels;

    public string Score { get; } = score;

    public string PredictedLabel { get; } = predictedLabel;

    public DataViewSchema.DetachedColumn[] CreateColumns(uint setId) =>
    [
        new(Labels, VectorValues.Of(TextDataViewType.Instance)),
        new(Score, VectorValues.Of(NumberDataViewType.Single)),
        new(PredictedLabel, TextDataViewType.Instance),
    ];

    public Delegate MakeGetter(int index, Func<ZeroShotRow> row) => index switch
    {
        0 => VectorValues.TextGetter(row, r => r.Labels),
        1 => VectorValues.Getter(row, r => r.Scores),
        2 => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = row().PredictedLabel.AsMemory()),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public JsonObject ToJson() => new() { ["labels_column"] = Labels, ["score_column"] = Score, ["predicted_label_column"] = PredictedLabel };

    /// <exception cref="InvalidDataException">A column name is missing.</exception>
    public static ZeroShotColumns FromJson(JsonObject json, string where)
    {
        string Name(string key) => json[key]?.GetValue<string>() is { Length: > 0 } name
            ? name : throw new InvalidDataException($"{where}: the zero-shot settings lack '{key}'.");
        return new ZeroShotColumns(Name("labels_column"), Name("score_column"), Name("predicted_label_column"));
    }
}
