using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// Runs a pipeline folder's head over its encodings the way a user of the library would: <see cref="TokenLevelPredictor"/>
/// (padded batches, no gradients), one logits array per window.
/// </summary>
internal static class PipelineModelRunner
{
    public static float[][] TokenLogits(DebertaForTokenClassification model, IReadOnlyList<DebertaEncoding> encodings)
        => TokenLevelPredictor.PredictTokenLogits(model, encodings, batchSize: 8);

    public static (float[][] Start, float[][] End) SpanLogits(DebertaForQuestionAnswering model, IReadOnlyList<DebertaEncoding> encodings)
        => TokenLevelPredictor.PredictSpanLogits(model, encodings, batchSize: 8);
}
