using Microsoft.ML.Deberta.Configuration;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Checks a set of <see cref="EncodedExample"/>s against a model's config before any work starts, so that bad input
/// fails with a message naming the example instead of a native error (or a silently wrong answer) mid-run.
/// </summary>
internal static class EncodedExampleValidator
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless every example is non-empty, has as many token types as ids, holds
    /// ids inside the vocabulary, fits the absolute position table, and belongs to a source row in
    /// [0, <paramref name="sourceCount"/>) — and every source row has at least one example.
    /// </summary>
    /// <param name="config">The model's configuration.</param>
    /// <param name="examples">The examples.</param>
    /// <param name="sourceCount">The number of source rows (e.g. the number of targets).</param>
    /// <param name="examplesName">The examples' parameter name, for messages.</param>
    /// <param name="sourceCountName">What defines the number of source rows, for messages.</param>
    public static void Check(DebertaConfig config, IReadOnlyList<EncodedExample> examples, int sourceCount, string examplesName, string sourceCountName)
    {
        var covered = new bool[sourceCount];
        int coveredCount = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            var example = examples[i] ?? throw new ArgumentException($"{examplesName}[{i}] is null.", examplesName);
            if (example.InputIds is null || example.InputIds.Length == 0)
                throw new ArgumentException($"{examplesName}[{i}] (source row {example.SourceIndex}) has no tokens.", examplesName);
            if (example.TokenTypeIds is null || example.TokenTypeIds.Length != example.InputIds.Length)
                throw new ArgumentException(
                    $"{examplesName}[{i}] has {example.InputIds.Length} input ids but {example.TokenTypeIds?.Length ?? 0} token type ids; they must match.",
                    examplesName);
            if (config.PositionBiasedInput && example.InputIds.Length > config.MaxPositionEmbeddings)
                throw new ArgumentException(
                    $"{examplesName}[{i}] (source row {example.SourceIndex}) has {example.InputIds.Length} tokens, more than the model's " +
                    $"max_position_embeddings {config.MaxPositionEmbeddings}; encode with a smaller max length.", examplesName);
            foreach (int id in example.InputIds)
                if ((uint)id >= (uint)config.VocabSize)
                    throw new ArgumentException(
                        $"{examplesName}[{i}] holds token id {id}, outside the model's vocabulary (vocab_size {config.VocabSize}).", examplesName);
            if (config.TypeVocabSize > 0)
                foreach (int type in example.TokenTypeIds)
                    if ((uint)type >= (uint)config.TypeVocabSize)
                        throw new ArgumentException(
                            $"{examplesName}[{i}] holds token type {type}, outside the model's type_vocab_size {config.TypeVocabSize}.", examplesName);
            if ((uint)example.SourceIndex >= (uint)sourceCount)
                throw new ArgumentException(
                    $"{examplesName}[{i}] belongs to source row {example.SourceIndex}, but {sourceCountName} gives {sourceCount} rows (0…{sourceCount - 1}).",
                    examplesName);
            if (!covered[example.SourceIndex])
            {
                covered[example.SourceIndex] = true;
                coveredCount++;
            }
        }
        if (coveredCount < sourceCount)
        {
            int missing = Array.IndexOf(covered, false);
            throw new ArgumentException(
                $"{sourceCountName} gives {sourceCount} source rows but {sourceCount - coveredCount} of them (first: row {missing}) have no example in {examplesName}.",
                examplesName);
        }
    }
}
