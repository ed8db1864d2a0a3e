using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Training;

/// <summary>Batched inference of a sequence classification/regression head over pre-tokenized examples.</summary>
public static class SequenceClassificationPredictor
{
    /// <summary>
    /// Runs the model over the examples in padded batches (no_grad, eval mode, dispose scopes) and returns one row of
    /// logits per source row, averaging the logits of windows that share a source row.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="examples">Encoded examples.</param>
    /// <param name="sourceCount">Number of source rows (every row must have at least one example).</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    public static float[][] PredictLogits(DebertaForSequenceClassification model, IReadOnlyList<EncodedExample> examples, int sourceCount, int batchSize)
        => throw new NotImplementedException();
}
