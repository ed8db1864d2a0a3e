namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>Settings of <see cref="QuestionAnsweringFeatureBuilder"/>, named after <c>run_qa.py</c>'s arguments.</summary>
public sealed class QuestionAnsweringTrainingOptions
{
    /// <summary>Gets the window length in tokens, question and special tokens included (<c>max_seq_length</c>);
    /// null: min(model max length, 384), as <c>run_qa.py</c> and the pipeline take it.</summary>
    public int? MaxSeqLength { get; init; }

    /// <summary>Gets the overlap of consecutive context windows in tokens (<c>doc_stride</c>); null: min(MaxSeqLength / 2,
    /// 128), which is <c>run_qa.py</c>'s 128 at the default length and the windows the decoder scores with.</summary>
    public int? DocStride { get; init; }

    /// <summary>
    /// Gets whether a row whose answer text is not found at its start offset is left out (and counted in
    /// <see cref="QuestionAnsweringTrainingSet.SkippedRows"/>) instead of failing the whole set (the default).
    /// </summary>
    public bool SkipMismatchedAnswers { get; init; }
}
