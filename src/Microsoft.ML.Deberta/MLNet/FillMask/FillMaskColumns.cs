using System.Text.Json.Nodes;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Fill-mask's output columns: variable-length vectors of masks × top-k values — <c>Tokens</c> (Text),
/// <c>Score</c> (Single), <c>Sequences</c> (Text) and <c>TokenIds</c> (Int32) — that a PredictionEngine class binds
/// with array properties.
/// </summary>
internal sealed class FillMaskColumns(string tokens, string score, string sequences, string tokenIds) : ITaskOutputColumns<FillMaskRow>
{
    public const string Kind = "fill-mask";

    public string TaskKind => Kind;

    public string Tokens { get; } = tokens;

    public string Score { get; } = score;

    public string Sequences { get; } = sequences;

    public string TokenIds { get; } = tokenIds;

    public DataViewSchema.DetachedColumn[] CreateColumns(uint setId) =>
    [
        new(Tokens, VectorValues.Of(TextDataViewType.Instance)),
        new(Score, VectorValues.Of(NumberDataViewType.Single)),
        new(Sequences, VectorValues.Of(TextDataViewType.Instance)),
        new(TokenIds, VectorValues.Of(NumberDataViewType.Int32)),
    ];

    public Delegate MakeGetter(int index, Func<FillMaskRow> row) => index switch
    {
        0 => VectorValues.TextGetter(row, r => r.Tokens),
        1 => VectorValues.Getter(row, r => r.Scores),
        2 => VectorValues.TextGetter(row, r => r.Sequences),
        3 => VectorValues.Getter(row, r => r.TokenIds),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public JsonObject ToJson() => new()
    {
        ["tokens_column"] = Tokens,
        ["score_column"] = Score,
        ["sequences_column"] = Sequences,
        ["token_ids_column"] = TokenIds,
    };

    /// <exception cref="InvalidDataException">A column name is missing.</exception>
    public static FillMaskColumns FromJson(JsonObject json, string where)
    {
        string Name(string key) => json[key]?.GetValue<string>() is { Length: > 0 } name
            ? name : throw new InvalidDataException($"{where}: the fill-mask settings lack '{key}'.");
        return new FillMaskColumns(Name("tokens_column"), Name("score_column"), Name("sequences_column"), Name("token_ids_column"));
    }
}
