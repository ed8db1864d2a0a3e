using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>A scoring transformer applied to one input schema: the prediction columns it adds.</summary>
internal sealed class ScoringBinding : TextColumnsBinding
{
    private readonly PredictionColumns _predictions;

    public ScoringBinding(TextScoringTransformer owner, DataViewSchema inputSchema)
        : base(inputSchema, owner.Columns.Text, owner.Columns.Pair,
            owner.Predictions.CreateColumns(ScoreAnnotations.NextScoreColumnSetId(inputSchema)))
    {
        Owner = owner;
        _predictions = owner.Predictions;
    }

    public TextScoringTransformer Owner { get; }

    /// <summary>A getter for added column <paramref name="addedIndex"/> typed as the caller asks, or a clear error.</summary>
    public ValueGetter<TValue> AddedGetter<TValue>(int addedIndex, Func<float[]> outputs) =>
        Typed<TValue>(_predictions.MakeGetter(addedIndex, outputs), addedIndex);
}
