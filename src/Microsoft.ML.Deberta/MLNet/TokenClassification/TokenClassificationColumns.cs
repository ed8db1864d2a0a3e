using System.Text.Json.Nodes;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tasks.TokenClassification;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The output binder of NER: <c>PredictedLabel</c> (one key per word, carrying the label's key values, so
/// <c>MapKeyToValue</c> gives the tags back), <c>Score</c> (each word's probability) and the entities as parallel
/// vectors: group, text, character start, end (exclusive) and score.
/// </summary>
internal sealed class TokenClassificationColumns : ITaskOutputColumns<TokenClassificationRow>
{
    /// <summary>The task kind recorded in a saved step.</summary>
    public const string Task = "token-classification";

    public TokenClassificationColumns(LabelKeyValues labels, string predictedLabel = "PredictedLabel", string score = "Score", string entityPrefix = "Entity")
    {
        Labels = labels;
        PredictedLabel = predictedLabel;
        Score = score;
        EntityPrefix = entityPrefix;
    }

    /// <summary>The label's key values, in key order (key 1 = label id 0).</summary>
    public LabelKeyValues Labels { get; }

    public string PredictedLabel { get; }

    public string Score { get; }

    public string EntityPrefix { get; }

    public string TaskKind => Task;

    /// <summary>The added column names, in column order.</summary>
    public string[] Names => [PredictedLabel, Score, .. EntitySuffixes.Select(s => EntityPrefix + s)];

    private static readonly string[] EntitySuffixes = ["Group", "Text", "Start", "End", "Score"];

    public DataViewSchema.DetachedColumn[] CreateColumns(uint setId)
    {
        var keys = new DataViewSchema.Annotations.Builder();
        ScoreAnnotations.AddKeyValues(keys, Labels);
        var names = Names;
        return
        [
            new(names[0], VectorValues.Of(new KeyDataViewType(typeof(uint), Labels.Count)), keys.ToAnnotations()),
            new(names[1], VectorValues.Of(NumberDataViewType.Single)),
            new(names[2], VectorValues.Of(TextDataViewType.Instance)),
            new(names[3], VectorValues.Of(TextDataViewType.Instance)),
            new(names[4], VectorValues.Of(NumberDataViewType.Int32)),
            new(names[5], VectorValues.Of(NumberDataViewType.Int32)),
            new(names[6], VectorValues.Of(NumberDataViewType.Single)),
        ];
    }

    public Delegate MakeGetter(int index, Func<TokenClassificationRow> row) => index switch
    {
        // Key = label id + 1: key 0 is ML.NET's missing value, never a label.
        0 => VectorValues.Getter(row, r => (IReadOnlyList<uint>)[.. r.WordLabels.Select(l => (uint)l + 1)]),
        1 => VectorValues.Getter(row, r => r.WordScores),
        2 => VectorValues.TextGetter(row, r => [.. r.Entities.Select(e => e.Label)]),
        3 => VectorValues.TextGetter(row, r => [.. r.Entities.Select(e => e.Word)]),
        4 => VectorValues.Getter(row, r => (IReadOnlyList<int>)[.. r.Entities.Select(e => e.Start)]),
        5 => VectorValues.Getter(row, r => (IReadOnlyList<int>)[.. r.Entities.Select(e => e.End)]),
        6 => VectorValues.Getter(row, r => (IReadOnlyList<float>)[.. r.Entities.Select(e => e.Score)]),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public JsonObject ToJson() => new()
    {
        ["predicted_label_column"] = PredictedLabel,
        ["score_column"] = Score,
        ["entity_column_prefix"] = EntityPrefix,
        ["label_value_type"] = KeyValueTypes.NameOf(Labels.ItemType),
        ["label_values"] = new JsonArray([.. Labels.Names.Select(n => (JsonNode)JsonValue.Create(n)!)]),
    };

    /// <summary>Rebuilds the columns from <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">A setting is missing.</exception>
    public static TokenClassificationColumns FromJson(JsonObject json, string where)
    {
        try
        {
            var type = KeyValueTypes.FromName((string)json["label_value_type"]!);
            var values = json["label_values"]!.AsArray().Select(v => (string)v!).ToArray();
            return new TokenClassificationColumns(LabelKeyValues.FromText(type, values),
                (string)json["predicted_label_column"]!, (string)json["score_column"]!, (string)json["entity_column_prefix"]!);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{where}: the NER output settings are incomplete or invalid ({e.Message}).", e);
        }
    }
}
