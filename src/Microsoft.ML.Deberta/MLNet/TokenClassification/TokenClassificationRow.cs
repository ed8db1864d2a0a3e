using Microsoft.ML.Deberta.Tasks.TokenClassification;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The prediction for one row of NER: a label and score per word, and the grouped entities.</summary>
/// <param name="WordLabels">The 0-based label id of every word.</param>
/// <param name="WordScores">Each word's label probability.</param>
/// <param name="Entities">The entities, in text order.</param>
internal sealed record TokenClassificationRow(int[] WordLabels, float[] WordScores, IReadOnlyList<EntitySpan> Entities);
