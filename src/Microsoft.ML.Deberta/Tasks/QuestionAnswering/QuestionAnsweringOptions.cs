namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>Settings of <see cref="QuestionAnsweringDecoder"/>, named after the 4.x pipeline's arguments, with its defaults.</summary>
public sealed class QuestionAnsweringOptions
{
    /// <summary>Gets the window length in tokens, question and special tokens included (<c>max_seq_len</c>); null: min(model max length, 384).</summary>
    public int? MaxSeqLength { get; init; }

    /// <summary>Gets the overlap of consecutive context windows in tokens (<c>doc_stride</c>); null: min(max_seq_len / 2, 128).</summary>
    public int? DocStride { get; init; }

    /// <summary>Gets the longest answer in tokens (<c>max_answer_len</c>, default 15).</summary>
    public int MaxAnswerLength { get; init; } = 15;

    /// <summary>Gets the number of answers to return (<c>top_k</c>, default 1).</summary>
    public int TopK { get; init; } = 1;

    /// <summary>Gets whether "no answer" (scored at [CLS]) competes with the spans (<c>handle_impossible_answer</c>).</summary>
    public bool HandleImpossibleAnswer { get; init; }

    /// <summary>
    /// Gets whether answers are widened to whole words (<c>align_to_words</c>, default true): start at the first
    /// character of the start token's word, end at the last of the end token's word.
    /// </summary>
    public bool AlignToWords { get; init; } = true;
}
