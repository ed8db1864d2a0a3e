using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>
/// Extractive question answering by the rules of transformers' 4.x <c>question-answering</c> pipeline: the question
/// first, the context cut into <c>doc_stride</c> windows of <c>max_seq_len</c> tokens, per window a softmax of start
/// and end logits over the context tokens and [CLS] (<c>p_mask</c>), spans scored p(start)·p(end) up to
/// <c>max_answer_len</c> tokens, optional widening to whole words, equal answers from several windows added up,
/// "no answer" scored at [CLS] when asked, and the <c>top_k</c> best. Plain arrays in and out.
/// </summary>
/// <remarks>
/// Character positions are UTF-16 indices into the context. DeBERTa-v2/v3 windows carry the fast tokenizer's offsets,
/// as the pipeline reports them: <see cref="Encode(string, string, QuestionAnsweringOptions?)"/> asks for
/// <see cref="DebertaEncodeOptions.FastTokenizerOffsets"/>, and windows encoded without it are refused. The
/// decoder is immutable and thread-safe.
/// </remarks>
public sealed class QuestionAnsweringDecoder
{
    private readonly DebertaTokenizerBase _tokenizer;

    /// <summary>Creates a decoder for encodings made by <paramref name="tokenizer"/>.</summary>
    public QuestionAnsweringDecoder(DebertaTokenizerBase tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
    }

    /// <summary>
    /// Encodes a question and its context as the pipeline does: question first, <c>only_second</c> truncation to
    /// <see cref="QuestionAnsweringOptions.MaxSeqLength"/>, overflowing context windows overlapping by
    /// <see cref="QuestionAnsweringOptions.DocStride"/>, no padding. Returns the windows in order.
    /// </summary>
    /// <exception cref="ArgumentException">The question or context is empty, the stride exceeds the window, or the
    /// question leaves no room for the context.</exception>
    public IReadOnlyList<DebertaEncoding> Encode(string question, string context, QuestionAnsweringOptions? options = null)
        => Encode(question, context, options, emulateTokenizersEarlyExit: false);

    /// <summary><see cref="Encode(string, string, QuestionAnsweringOptions?)"/>, optionally with the windows of references written by tokenizers ≥ 0.23.1.</summary>
    internal IReadOnlyList<DebertaEncoding> Encode(string question, string context, QuestionAnsweringOptions? options, bool emulateTokenizersEarlyExit)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        options ??= new QuestionAnsweringOptions();
        if (question.Length == 0)
            throw new ArgumentException("The question is empty: ask something about the context.", nameof(question));
        if (context.Length == 0)
            throw new ArgumentException("The context is empty: give the text the answer is to be found in.", nameof(context));
        int maxSeqLength = options.MaxSeqLength ?? Math.Min(_tokenizer.ModelMaxLength, 384);
        int docStride = options.DocStride ?? Math.Min(maxSeqLength / 2, 128);
        if (docStride > maxSeqLength)
            throw new ArgumentException($"DocStride ({docStride}) is larger than MaxSeqLength ({maxSeqLength}): lower the stride.", nameof(options));
        int questionTokens = _tokenizer.Encode(question, new DebertaEncodeOptions { AddSpecialTokens = false }).Length;
        int room = maxSeqLength - questionTokens - _tokenizer.NumSpecialTokensToAdd(pair: true);
        if (room <= 0)
            throw new ArgumentException(
                $"The question takes {questionTokens} tokens, which leaves no room for the context in windows of {maxSeqLength} tokens: shorten the question or raise MaxSeqLength.",
                nameof(question));
        var encoding = _tokenizer.Encode(question, context, new DebertaEncodeOptions
        {
            MaxLength = maxSeqLength,
            Truncation = DebertaTruncation.OnlySecond,
            Stride = docStride,
            ReturnOverflowingTokens = true,
            EmulateTokenizersEarlyExit = emulateTokenizersEarlyExit,
            FastTokenizerOffsets = true,
        });
        return [encoding, .. encoding.Overflowing];
    }

    /// <summary>Decodes the answers of one question from the start and end logits of its windows.</summary>
    /// <param name="question">The question the windows were encoded from.</param>
    /// <param name="context">The context the windows were encoded from.</param>
    /// <param name="windows">The windows (<see cref="Encode(string, string, QuestionAnsweringOptions?)"/>), padded or not.</param>
    /// <param name="startLogits">Per window, one start logit per token (trailing pads may be left out).</param>
    /// <param name="endLogits">Per window, one end logit per token (trailing pads may be left out).</param>
    /// <param name="options">Answer length, top-k, null answer, word alignment; the pipeline's defaults when null.</param>
    /// <returns>At most <see cref="QuestionAnsweringOptions.TopK"/> answers, best first.</returns>
    /// <exception cref="ArgumentException">Counts or lengths do not match, or a setting is out of range.</exception>
    public IReadOnlyList<AnswerSpan> Decode(
        string question, string context, IReadOnlyList<DebertaEncoding> windows, IReadOnlyList<float[]> startLogits,
        IReadOnlyList<float[]> endLogits, QuestionAnsweringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        options ??= new QuestionAnsweringOptions();
        Validate(windows, startLogits, endLogits, options);
        int drawn = options.AlignToWords ? options.TopK * 2 + 10 : options.TopK;
        double minNullScore = 1_000_000;
        var answers = new List<AnswerSpan>();
        for (int w = 0; w < windows.Count; w++)
        {
            DebertaEncoding window = windows[w];
            var candidates = SpanSelector.Select(startLogits[w], endLogits[w], AllowedPositions(window), drawn, options.MaxAnswerLength, out double nullScore);
            if (options.HandleImpossibleAnswer)
                minNullScore = Math.Min(minNullScore, nullScore);
            foreach (SpanCandidate candidate in candidates)
            {
                (int start, int end) = AnswerCharacters.Span(window, window.Offsets, candidate.Start, candidate.End, options.AlignToWords);
                string text = context[start..end];
                int same = answers.FindIndex(a => string.Equals(a.Answer.ToLowerInvariant(), text.ToLowerInvariant(), StringComparison.Ordinal));
                if (same >= 0)
                    answers[same] = answers[same] with { Score = answers[same].Score + candidate.Score };
                else
                    answers.Add(new AnswerSpan(text, candidate.Score, start, end, w, candidate.Start, candidate.End));
            }
        }
        if (options.HandleImpossibleAnswer)
            answers.Add(new AnswerSpan("", minNullScore, 0, 0, null, null, null));
        return answers.OrderByDescending(a => a.Score).Take(options.TopK).ToList();
    }

    /// <summary>The pipeline's <c>p_mask</c> inverted and ANDed with the attention mask: context tokens and [CLS].</summary>
    private bool[] AllowedPositions(DebertaEncoding window)
    {
        var allowed = new bool[window.Length];
        for (int i = 0; i < allowed.Length; i++)
            allowed[i] = (window.SequenceIds[i] == 1 || window.InputIds[i] == _tokenizer.ClsTokenId) && window.AttentionMask[i] != 0;
        return allowed;
    }

    private void Validate(
        IReadOnlyList<DebertaEncoding> windows, IReadOnlyList<float[]> startLogits, IReadOnlyList<float[]> endLogits, QuestionAnsweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(startLogits);
        ArgumentNullException.ThrowIfNull(endLogits);
        if (options.TopK < 1)
            throw new ArgumentException($"TopK must be at least 1, not {options.TopK}.", nameof(options));
        if (options.MaxAnswerLength < 1)
            throw new ArgumentException($"MaxAnswerLength must be at least 1, not {options.MaxAnswerLength}.", nameof(options));
        if (windows.Count == 0)
            throw new ArgumentException("No windows were given: pass the question's encoding(s).", nameof(windows));
        PipelineOffsets.Require(_tokenizer, windows, nameof(windows));
        if (startLogits.Count != windows.Count || endLogits.Count != windows.Count)
            throw new ArgumentException(
                $"{windows.Count} window(s) but {startLogits.Count} start and {endLogits.Count} end logits array(s): give one of each per window.",
                nameof(startLogits));
        for (int w = 0; w < windows.Count; w++)
        {
            if (!WindowLogits.Fits(windows[w], startLogits[w], 1) || !WindowLogits.Fits(windows[w], endLogits[w], 1))
                throw new ArgumentException(
                    $"Window {w} has {windows[w].Length} tokens but {startLogits[w]?.Length ?? 0} start and {endLogits[w]?.Length ?? 0} end logits: give one logit per token (pads may be left out).",
                    nameof(startLogits));
        }
    }
}
