namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// Scores predicted tag sequences against gold ones the way seqeval does by default (the metric transformers'
/// <c>run_ner.py</c> reports): entity-level precision, recall and F1 overall and per type, and tag accuracy.
/// </summary>
public static class EntityEvaluator
{
    /// <summary>Evaluates one predicted tag sequence per gold sentence.</summary>
    /// <param name="gold">Gold tags, one list per sentence (e.g. <c>O</c>, <c>B-PER</c>, <c>I-PER</c>).</param>
    /// <param name="predicted">Predicted tags, same shape.</param>
    /// <exception cref="ArgumentException">The counts of sentences or of tags in a sentence differ, or a tag is empty.</exception>
    public static EntityMetrics Evaluate(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"{gold.Count} gold sentence(s) but {predicted.Count} predicted: give one prediction per sentence.", nameof(predicted));
        for (int s = 0; s < gold.Count; s++)
            if (gold[s].Count != predicted[s].Count)
                throw new ArgumentException(
                    $"Sentence {s} has {gold[s].Count} gold tag(s) but {predicted[s].Count} predicted: give one tag per word.", nameof(predicted));

        var goldChunks = new HashSet<EntityChunk>(EntityChunker.Chunks(gold));
        var predictedChunks = new HashSet<EntityChunk>(EntityChunker.Chunks(predicted));
        var perType = goldChunks.Select(c => c.Type).Distinct().Order(StringComparer.Ordinal).ToDictionary(
            type => type,
            type => Scores([.. goldChunks.Where(c => c.Type == type)], [.. predictedChunks.Where(c => c.Type == type)]));
        int tags = gold.Sum(s => s.Count);
        int equal = gold.Zip(predicted).Sum(p => p.First.Zip(p.Second).Count(t => t.First == t.Second));
        return new EntityMetrics(
            Scores(goldChunks, predictedChunks),
            perType,
            perType.Count == 0 ? 0 : perType.Values.Average(s => s.F1),
            tags == 0 ? 0 : (double)equal / tags);
    }

    private static EntityTypeScores Scores(IReadOnlyCollection<EntityChunk> gold, IReadOnlyCollection<EntityChunk> predicted)
    {
        int correct = gold.Intersect(predicted).Count();
        double precision = predicted.Count > 0 ? (double)correct / predicted.Count : 0;
        double recall = gold.Count > 0 ? (double)correct / gold.Count : 0;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new EntityTypeScores(precision, recall, f1, gold.Count);
    }
}
