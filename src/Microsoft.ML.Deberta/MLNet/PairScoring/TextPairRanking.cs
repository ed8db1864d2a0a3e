using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Orders passages per query by the scores of a pair-scoring model (<see cref="DebertaCatalog.TextPairScoring(string, string, string, bool, int, int)"/>):
/// rerank search results, pick the best answer, filter with a guard model.
/// </summary>
public static class TextPairRanking
{
    /// <summary>Groups scored (query, passage) rows by query, in order of first appearance, each group best first.</summary>
    /// <param name="scored">Rows scored by a pair-scoring model (its <c>Transform</c> output).</param>
    /// <param name="queryColumnName">The query column (String).</param>
    /// <param name="passageColumnName">The passage column (String).</param>
    /// <param name="scoreColumnName">The score column (Single).</param>
    /// <param name="topK">Keep at most this many passages per query; null keeps all.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, or <paramref name="topK"/> is below 1.</exception>
    public static IReadOnlyList<QueryRanking> Rank(IDataView scored, string queryColumnName = "Query", string passageColumnName = "Passage",
        string scoreColumnName = "Score", int? topK = null)
    {
        ArgumentNullException.ThrowIfNull(scored);
        if (topK < 1)
            throw new ArgumentOutOfRangeException(nameof(topK), topK, "topK must be at least 1 (or null for every passage).");
        var query = Column(scored, queryColumnName, TextDataViewType.Instance);
        var passage = Column(scored, passageColumnName, TextDataViewType.Instance);
        var score = Column(scored, scoreColumnName, NumberDataViewType.Single);
        var groups = new Dictionary<string, List<ScoredPassage>>(StringComparer.Ordinal);
        var order = new List<string>();
        using (var cursor = scored.GetRowCursor([query, passage, score]))
        {
            var getQuery = cursor.GetGetter<ReadOnlyMemory<char>>(query);
            var getPassage = cursor.GetGetter<ReadOnlyMemory<char>>(passage);
            var getScore = cursor.GetGetter<float>(score);
            ReadOnlyMemory<char> q = default, p = default;
            float s = 0;
            while (cursor.MoveNext())
            {
                getQuery(ref q);
                getPassage(ref p);
                getScore(ref s);
                var key = q.ToString();
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                    order.Add(key);
                }
                list.Add(new ScoredPassage(p.ToString(), s));
            }
        }
        // OrderByDescending is stable: equal scores keep their input order. NaN scores go last.
        return order.Select(key => new QueryRanking(key, groups[key]
            .OrderByDescending(x => float.IsNaN(x.Score) ? float.NegativeInfinity : x.Score)
            .Take(topK ?? int.MaxValue).ToArray())).ToArray();
    }

    private static DataViewSchema.Column Column(IDataView data, string name, DataViewType type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (data.Schema.GetColumnOrNull(name) is not { } column)
            throw new ArgumentOutOfRangeException(nameof(data), $"The scored data has no column '{name}'; name the columns the pair-scoring model read and wrote.");
        if (!column.Type.Equals(type))
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{name}' is {column.Type}; ranking needs {type}.");
        return column;
    }
}
