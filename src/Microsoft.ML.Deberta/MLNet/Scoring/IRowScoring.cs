namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What the scoring data view, cursors and row mapper need from a fitted step: its text columns, batch size, output
/// binder, and a thread-safe way to score a batch. Implemented by <see cref="TextScoringTransformer"/> (logits) and
/// <see cref="RowScoring{TRow}"/> (structured predictions).
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal interface IRowScoring<TRow>
{
    /// <summary>The text column(s) read.</summary>
    TextColumns Columns { get; }

    /// <summary>Rows per forward pass.</summary>
    int BatchSize { get; }

    /// <summary>The added columns.</summary>
    IRowOutputColumns<TRow> Outputs { get; }

    /// <summary>Scores a batch: one checked prediction per row. Thread-safe.</summary>
    IReadOnlyList<TRow> ScoreRows(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs);
}
