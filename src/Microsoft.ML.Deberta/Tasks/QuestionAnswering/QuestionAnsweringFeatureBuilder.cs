using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>
/// Training features for extractive question answering, made as transformers' <c>run_qa.py</c>
/// (<c>prepare_train_features</c>) makes them: the question (left-stripped) first, the context cut into windows of
/// <see cref="QuestionAnsweringTrainingOptions.MaxSeqLength"/> tokens overlapping by
/// <see cref="QuestionAnsweringTrainingOptions.DocStride"/> (<c>only_second</c> truncation, the windows
/// <see cref="QuestionAnsweringDecoder"/> scores), and in each window the answer's first and last tokens, or [CLS]
/// for both when the window does not hold the whole answer or the row has none (SQuAD v2). Only a row's first answer
/// is used, as there.
/// </summary>
/// <remarks>
/// Offsets of DeBERTa-v2/v3 windows are the fast tokenizer's (<see cref="DebertaEncodeOptions.FastTokenizerOffsets"/>),
/// the one <c>run_qa.py</c> reads (it requires a fast tokenizer) and the decoder answers in, so labels equal
/// run_qa.py's. Every row is checked before any is tokenized. The builder is immutable and thread-safe.
/// </remarks>
public sealed class QuestionAnsweringFeatureBuilder
{
    private readonly DebertaTokenizerBase _tokenizer;
    private readonly QuestionAnsweringDecoder _decoder;

    /// <summary>Creates a builder that encodes with <paramref name="tokenizer"/>.</summary>
    public QuestionAnsweringFeatureBuilder(DebertaTokenizerBase tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _decoder = new QuestionAnsweringDecoder(tokenizer);
    }

    /// <summary>Makes the labelled windows of <paramref name="rows"/>.</summary>
    /// <param name="rows">The training rows; their indices name them in errors and in the result.</param>
    /// <param name="options">Window length, stride, and whether mismatched answers are skipped; run_qa.py's defaults when null.</param>
    /// <exception cref="ArgumentException">A row has an empty question or context, a question that leaves no room for
    /// the context, or (unless skipped) an answer whose text is not at its start offset; the message names the row.</exception>
    public QuestionAnsweringTrainingSet Build(IReadOnlyList<QuestionAnsweringExample> rows, QuestionAnsweringTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new QuestionAnsweringTrainingOptions();
        var skipped = new List<int>();
        for (int r = 0; r < rows.Count; r++)
        {
            QuestionAnsweringExample row = rows[r] ?? throw new ArgumentException($"Row {r} is null: give every row.", nameof(rows));
            if (row.Question is null || row.Context is null)
                throw new ArgumentException($"{Name(row, r)} has no {(row.Question is null ? "question" : "context")}: give both texts.", nameof(rows));
            if (row.Context.Length == 0)
                throw new ArgumentException($"{Name(row, r)} has an empty context: give the text the answer is to be found in, or drop the row.", nameof(rows));
            if (row.Question.TrimStart().Length == 0)
                throw new ArgumentException($"{Name(row, r)} has an empty question: ask something about the context, or drop the row.", nameof(rows));
            if (AnswerTextCheck.Problem(row) is not string problem)
                continue;
            if (!options.SkipMismatchedAnswers)
                throw new ArgumentException(
                    $"{Name(row, r)}: {problem}. Fix the answer start (a UTF-16 index into the context) or the text, or set SkipMismatchedAnswers to leave such rows out.",
                    nameof(rows));
            skipped.Add(r);
        }

        var windowing = new QuestionAnsweringOptions { MaxSeqLength = options.MaxSeqLength, DocStride = options.DocStride };
        var features = new List<QuestionAnsweringTrainingFeature>(rows.Count);
        int nextSkipped = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            if (nextSkipped < skipped.Count && skipped[nextSkipped] == r)
            {
                nextSkipped++;
                continue;
            }
            features.AddRange(Label(rows[r], r, windowing));
        }
        return new QuestionAnsweringTrainingSet(features, skipped);
    }

    private IEnumerable<QuestionAnsweringTrainingFeature> Label(QuestionAnsweringExample row, int index, QuestionAnsweringOptions windowing)
    {
        string question = row.Question.TrimStart(); // run_qa.py: left whitespace would only eat the context's room
        IReadOnlyList<DebertaEncoding> windows;
        try
        {
            windows = _decoder.Encode(question, row.Context, windowing);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{Name(row, index)}: {e.Message}", nameof(row), e);
        }
        foreach (DebertaEncoding window in windows)
        {
            int cls = IndexOfCls(window);
            (int start, int end) = (cls, cls);
            if (row.HasAnswer)
            {
                int startChar = row.AnswerStart!.Value;
                (start, end) = AnswerTokenPositions.Find(window, window.Offsets, cls, startChar, startChar + row.AnswerText!.Length);
            }
            yield return new QuestionAnsweringTrainingFeature(index, window, start, end, cls);
        }
    }

    /// <summary>run_qa.py's <c>input_ids.index(cls_token_id)</c>, 0 when absent.</summary>
    private int IndexOfCls(DebertaEncoding window)
    {
        for (int i = 0; i < window.Length; i++)
            if (window.InputIds[i] == _tokenizer.ClsTokenId)
                return i;
        return 0;
    }

    private static string Name(QuestionAnsweringExample row, int index) => row.Id is null ? $"Row {index}" : $"Row {index} (id '{row.Id}')";
}
