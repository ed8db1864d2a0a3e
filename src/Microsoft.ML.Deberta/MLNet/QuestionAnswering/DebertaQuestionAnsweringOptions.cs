using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Options of <c>mlContext.Transforms.Deberta.QuestionAnswering</c>: extractive question answering trained as
/// transformers' <c>run_qa.py</c> prepares SQuAD (question first, <c>only_second</c> truncation, <see cref="DocStride"/>
/// windows, answers mapped to tokens, windows without the answer labelled at [CLS]) and scored as its 4.x
/// <c>question-answering</c> pipeline decodes (contexts of any length, top-k answers, optional "no answer").
/// </summary>
/// <remarks>
/// <para>Input columns: <see cref="ContextColumnName"/> and <see cref="QuestionColumnName"/> (String), and for training
/// <see cref="AnswerTextColumnName"/> (String; empty for an unanswerable question, SQuAD v2) and
/// <see cref="AnswerStartColumnName"/> (the answer's first character in the context as SQuAD stores it: an Int32,
/// Int64, Single or Double holding a whole number; a UTF-16 index, which equals SQuAD's code-point index unless the
/// context has characters outside the BMP).</para>
/// <para>Outputs: <see cref="AnswerColumnName"/> (<c>Vector&lt;String&gt;</c>: the <see cref="TopK"/> best answers, best
/// first), <see cref="ScoreColumnName"/> (<c>Vector&lt;Single&gt;</c>: their scores p(start)·p(end), summed over windows
/// that gave the same text), and <see cref="StartColumnName"/>/<see cref="EndColumnName"/> (<c>Vector&lt;Int32&gt;</c>:
/// their character span in the context, end exclusive). With <see cref="HandleImpossibleAnswer"/> the "no answer"
/// entry is an empty text with start and end 0, as the pipeline gives it.</para>
/// <para>Defaults suit fine-tuning a pre-trained checkpoint (learning rate 3e-5, 2 epochs as run_qa.py's examples,
/// batch 12); a model trained from scratch (<see cref="DebertaFineTuningOptions.Config"/>) needs about 1e-3 and a small config.</para>
/// <para>A pre-trained backbone in <see cref="DebertaFineTuningOptions.ModelFolder"/> (<c>…Model</c>, <c>…ForMaskedLM</c>
/// or no architecture named) gets a new QA head; a <c>…ForQuestionAnswering</c> checkpoint keeps its head. A checkpoint
/// with another head (token or sequence classification) is refused unless <see cref="ReinitializeHead"/> is set. The
/// <see cref="DebertaFineTuningOptions.ValidationSet"/> (same columns) is answered after every epoch and scored by SQuAD
/// F1 (in percent, also for <see cref="DebertaEstimatorFineTuningOptions.EarlyStoppingMinDelta"/>).</para>
/// </remarks>
public sealed class DebertaQuestionAnsweringOptions : DebertaEstimatorFineTuningOptions
{
    /// <summary>The context column (String): the text the answer is taken from.</summary>
    public string ContextColumnName = "Context";

    /// <summary>The question column (String).</summary>
    public string QuestionColumnName = "Question";

    /// <summary>Training only: the answer text column (String); empty for an unanswerable question.</summary>
    public string AnswerTextColumnName = "AnswerText";

    /// <summary>Training only: the answer start column (a whole number: the answer's first character in the context).</summary>
    public string AnswerStartColumnName = "AnswerStart";

    /// <summary>The output column of the answers (<c>Vector&lt;String&gt;</c>, best first).</summary>
    public string AnswerColumnName = "Answer";

    /// <summary>The output column of the answers' scores (<c>Vector&lt;Single&gt;</c>).</summary>
    public string ScoreColumnName = "Score";

    /// <summary>The output column of the answers' first characters in the context (<c>Vector&lt;Int32&gt;</c>).</summary>
    public string StartColumnName = "Start";

    /// <summary>The output column of the answers' ends in the context, exclusive (<c>Vector&lt;Int32&gt;</c>).</summary>
    public string EndColumnName = "End";

    /// <summary>Start with a new QA head on the encoder of a checkpoint trained for another task.</summary>
    public bool ReinitializeHead;

    /// <summary>Window length in tokens, question and special tokens included (<c>max_seq_length</c>, 384).</summary>
    public int MaxSeqLength = 384;

    /// <summary>Overlap of consecutive context windows in tokens (<c>doc_stride</c>, 128); contexts of any length are covered.</summary>
    public int DocStride = 128;

    /// <summary>The longest answer in tokens (<c>max_answer_len</c>, the pipeline's 15).</summary>
    public int MaxAnswerLength = 15;

    /// <summary>Answers per row (<c>top_k</c>).</summary>
    public int TopK = 1;

    /// <summary>Whether "no answer" (scored at [CLS]) competes with the spans (<c>handle_impossible_answer</c>): set it for SQuAD v2-style data.</summary>
    public bool HandleImpossibleAnswer;

    /// <summary>Whether answers are widened to whole words (<c>align_to_words</c>, default true).</summary>
    public bool AlignToWords = true;

    /// <summary>
    /// Leave out training rows whose answer text is not found at their start offset (the count is logged) instead of
    /// failing <c>Fit</c> with an error naming the first such row (the default).
    /// </summary>
    public bool SkipMismatchedAnswers;

    /// <summary>The task's own defaults: 12 windows per optimizer step, 2 epochs (run_qa.py's examples), 16 windows per forward pass when scoring.</summary>
    public DebertaQuestionAnsweringOptions()
    {
        BatchSize = 12;
        Epochs = 2;
        InferenceBatchSize = 16;
    }

    /// <summary>A private copy (config included), so later changes do not affect an estimator.</summary>
    internal DebertaQuestionAnsweringOptions Snapshot() => SnapshotAs<DebertaQuestionAnsweringOptions>();
}
