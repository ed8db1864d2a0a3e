using System.Text.Json.Nodes;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The output columns of extractive QA, as ML.NET's own QA trainer names and types its answers: <c>Answer</c>
/// (<c>Vector&lt;String&gt;</c>, the top-k texts, best first) and <c>Score</c> (<c>Vector&lt;Single&gt;</c>), plus the
/// answers' character <c>Start</c> and <c>End</c> in the context (<c>Vector&lt;Int32&gt;</c>, end exclusive).
/// </summary>
internal sealed class QuestionAnsweringColumns(string answer, string score, string start, string end) : ITaskOutputColumns<QuestionAnsweringRow>
{
    /// <summary>The task kind recorded in a saved step.</summary>
    public const string Kind = "question-answering";

    public string TaskKind => Kind;

    public DataViewSchema.DetachedColumn[] CreateColumns(uint setId) =>
    [
        new(answer, VectorValues.Of(TextDataViewType.Instance)),
        new(score, VectorValues.Of(NumberDataViewType.Single)),
        new(start, VectorValues.Of(NumberDataViewType.Int32)),
        new(end, VectorValues.Of(NumberDataViewType.Int32)),
    ];

    public Delegate MakeGetter(int index, Func<QuestionAnsweringRow> row) => index switch
    {
        0 => VectorValues.TextGetter(row, r => r.Answers),
        1 => VectorValues.Getter(row, r => r.Scores),
        2 => VectorValues.Getter(row, r => r.Starts),
        3 => VectorValues.Getter(row, r => r.Ends),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public JsonObject ToJson() => new() { ["answer"] = answer, ["score"] = score, ["start"] = start, ["end"] = end };

    /// <summary>Rebuilds the columns from <see cref="ToJson"/>'s object.</summary>
    /// <exception cref="InvalidDataException">A name is missing.</exception>
    public static QuestionAnsweringColumns FromJson(JsonObject json, string where)
    {
        string Name(string key) => json[key]?.GetValue<string>() is { Length: > 0 } name ? name
            : throw new InvalidDataException($"{where}: the saved question-answering step names no '{key}' column.");
        return new QuestionAnsweringColumns(Name("answer"), Name("score"), Name("start"), Name("end"));
    }
}
