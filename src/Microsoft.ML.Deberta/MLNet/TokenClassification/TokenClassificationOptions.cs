using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Options of <c>mlContext.Transforms.Deberta.TokenClassification</c> (named-entity recognition, ML.NET's convention):
/// a text column and a label column holding one key per whitespace-separated word (<c>Vector&lt;Key&gt;</c>, from
/// <c>MapValueToKey</c> over the tags, e.g. <c>B-PER</c>, <c>I-PER</c>, <c>O</c>).
/// </summary>
/// <remarks>
/// <para>Training labels each word's first token and gives the word's other tokens −100 (ignored by the loss), as
/// transformers' <c>run_ner.py</c> does; <see cref="LabelAllTokens"/> labels them all. Texts longer than
/// <see cref="TextTrainerOptions.MaxLength"/> are always split into windows that overlap by
/// <see cref="TextTrainerOptions.Stride"/> tokens, in training and scoring (<see cref="TextTrainerOptions.LongTextStrategy"/>
/// must stay <see cref="LongTextStrategy.SlidingWindows"/>); a word is read in the window where it has the most context.</para>
/// <para>Outputs: <c>PredictedLabel</c> (one key per word, the label's key values), <c>Score</c> (each word's label
/// probability), and the grouped entities as parallel vectors <c>EntityGroup</c>, <c>EntityText</c>, <c>EntityStart</c>,
/// <c>EntityEnd</c> (character offsets, end exclusive) and <c>EntityScore</c>, grouped as transformers' pipeline does
/// with <see cref="Aggregation"/>.</para>
/// </remarks>
public sealed class TokenClassificationOptions : TextTrainerOptions
{
    /// <summary>Creates options with NER's defaults: sliding windows for long texts.</summary>
    public TokenClassificationOptions()
    {
        LongTextStrategy = LongTextStrategy.SlidingWindows;
    }

    /// <summary>Label every token of a word (a <c>B-</c> label turned into its <c>I-</c> label on the word's later tokens), as <c>label_all_tokens</c> does.</summary>
    public bool LabelAllTokens;

    /// <summary>How tokens become the entity columns (transformers' <c>aggregation_strategy</c>); <c>First</c> agrees with the per-word labels.</summary>
    public EntityAggregation Aggregation = EntityAggregation.First;

    /// <summary>The output column of the per-word labels (<c>Vector&lt;Key&gt;</c>).</summary>
    public string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The output column prefix of the entity columns: <c>{prefix}Group</c>, <c>Text</c>, <c>Start</c>, <c>End</c>, <c>Score</c>.</summary>
    public string EntityColumnPrefix = "Entity";
}
