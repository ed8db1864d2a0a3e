using System.Collections;

namespace Microsoft.ML.Deberta.Serving;

/// <summary>
/// The rows of the batch being scored, as an enumerable that ML.NET reads anew each time a cursor opens. A
/// <see cref="BatchingPredictor{TInput, TOutput}"/> builds its input view, <c>Transform</c> and output enumerable once over
/// this, then only swaps the rows per batch: the per-call schema binding and reflection of <c>LoadFromEnumerable</c>,
/// <c>Transform</c> and <c>CreateEnumerable</c> would otherwise cost more than a small model's forward pass.
/// </summary>
internal sealed class BatchRows<TRow> : IEnumerable<TRow>
{
    private TRow[] _rows = [];

    /// <summary>Sets the rows the next cursor reads (one batch is scored at a time, so no cursor is open meanwhile).</summary>
    public void Set(TRow[] rows) => _rows = rows;

    public IEnumerator<TRow> GetEnumerator() => ((IEnumerable<TRow>)_rows).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
