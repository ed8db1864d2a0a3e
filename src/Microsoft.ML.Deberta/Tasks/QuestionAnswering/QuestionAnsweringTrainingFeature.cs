using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>One window of a training row with its answer labels, as <c>run_qa.py</c>'s <c>prepare_train_features</c>
/// makes one feature.</summary>
/// <param name="Row">The index of the row the window was cut from (<c>overflow_to_sample_mapping</c>).</param>
/// <param name="Window">The window: [CLS] question [SEP] context part [SEP], unpadded.</param>
/// <param name="StartPosition">The answer's first token in the window, or the [CLS] index when the window does not
/// hold the whole answer or the row has none (<c>start_positions</c>).</param>
/// <param name="EndPosition">The answer's last token in the window, or the [CLS] index (<c>end_positions</c>).</param>
/// <param name="ClsIndex">The index of [CLS] in the window, where "no answer" is labelled.</param>
public sealed record QuestionAnsweringTrainingFeature(int Row, DebertaEncoding Window, int StartPosition, int EndPosition, int ClsIndex)
{
    /// <summary>Gets whether the window is labelled with an answer span (not at [CLS]).</summary>
    public bool ContainsAnswer => StartPosition != ClsIndex || EndPosition != ClsIndex;
}
