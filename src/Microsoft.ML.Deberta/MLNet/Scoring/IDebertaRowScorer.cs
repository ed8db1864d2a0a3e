namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The seam for a model whose prediction for a row is a structured value rather than a fixed number of floats:
/// per-word labels, entity spans, answers, mask fills. <typeparamref name="TRow"/> is the task's own plain result
/// type (built by a <c>Tasks/</c> decoder); an <see cref="IRowOutputColumns{TRow}"/> turns it into ML.NET columns.
/// </summary>
/// <remarks>
/// The same contract as <see cref="IDebertaTextScorer"/>: <see cref="PrepareBatch"/> must be thread-safe and must not
/// touch the model (it runs outside the lock, e.g. to tokenize); every other call is serialised per instance by
/// <see cref="RowScoring{TRow}"/>.
/// </remarks>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal interface IDebertaRowScorer<TRow> : IDebertaScorer
{
    /// <summary>The model-free part of scoring a batch (tokenizing, windowing); thread-safe.</summary>
    /// <param name="texts">The first text of every row; never null, possibly empty strings.</param>
    /// <param name="pairs">The second text of every row (same count), or null for single-text models.</param>
    /// <returns>Whatever <see cref="ScoreBatch"/> needs, or null.</returns>
    object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs);

    /// <summary>Scores a prepared batch (batched forward passes under no_grad, then decoding).</summary>
    /// <returns>One prediction per row, in row order, never null.</returns>
    IReadOnlyList<TRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared);
}
