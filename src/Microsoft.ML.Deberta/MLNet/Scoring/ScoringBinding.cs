using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>A scoring transformer applied to one input schema: the prediction columns it adds.</summary>
/// <typeparam name="TRow">The prediction for one row (logits for classification).</typeparam>
internal sealed class ScoringBinding<TRow> : TextColumnsBinding
{
    private readonly IRowOutputColumns<TRow> _outputs;

    public ScoringBinding(IRowScoring<TRow> owner, DataViewSchema inputSchema)
        : base(inputSchema, owner.Columns.Text, owner.Columns.Pair,
            owner.Outputs.CreateColumns(ScoreAnnotations.NextScoreColumnSetId(inputSchema)))
    {
        Owner = owner;
        _outputs = owner.Outputs;
    }

    public IRowScoring<TRow> Owner { get; }

    /// <summary>A getter for added column <paramref name="addedIndex"/> typed as the caller asks, or a clear error.</summary>
    public ValueGetter<TValue> AddedGetter<TValue>(int addedIndex, Func<TRow> row) =>
        Typed<TValue>(_outputs.MakeGetter(addedIndex, row), addedIndex);
}
