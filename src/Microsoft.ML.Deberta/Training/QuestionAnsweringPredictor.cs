using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Extractive question answering over many rows at once: every row's context is cut into the decoder's
/// <c>doc_stride</c> windows (any length, no 512 cap), the windows of all rows run through the model together in
/// padded batches (<see cref="TokenLevelPredictor.PredictSpanLogits"/>: no_grad, sorted by length), and each row's
/// windows are decoded by <see cref="QuestionAnsweringDecoder"/>, as transformers' 4.x pipeline does.
/// </summary>
internal static class QuestionAnsweringPredictor
{
    /// <summary>The windows of each row (<see cref="QuestionAnsweringDecoder.Encode(string, string, QuestionAnsweringOptions?)"/>).</summary>
    /// <exception cref="ArgumentException">A row's question or context is empty, or its question leaves no room for the
    /// context; the message starts with the row's name (<paramref name="rowName"/>; "Row {index}" by default).</exception>
    public static IReadOnlyList<DebertaEncoding>[] Encode(
        QuestionAnsweringDecoder decoder, IReadOnlyList<string> questions, IReadOnlyList<string> contexts, QuestionAnsweringOptions options,
        Func<int, string>? rowName = null)
    {
        var windows = new IReadOnlyList<DebertaEncoding>[questions.Count];
        for (int r = 0; r < windows.Length; r++)
        {
            try
            {
                windows[r] = decoder.Encode(questions[r], contexts[r], options);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{rowName?.Invoke(r) ?? $"Row {r}"}: {MessageOnly(e)}", e.ParamName, e);
            }
        }
        return windows;
    }

    /// <summary>
    /// An <see cref="ArgumentException"/>'s own text, without the " (Parameter 'x')" that <see cref="Exception.Message"/>
    /// appends, so wrapping it in another exception does not repeat that suffix.
    /// </summary>
    internal static string MessageOnly(ArgumentException e) =>
        e.ParamName is { } name && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;

    /// <summary>Scores the windows of every row in shared batches and decodes each row's answers (best first).</summary>
    public static IReadOnlyList<AnswerSpan>[] Answer(
        DebertaForQuestionAnswering model, QuestionAnsweringDecoder decoder, IReadOnlyList<string> questions, IReadOnlyList<string> contexts,
        IReadOnlyList<IReadOnlyList<DebertaEncoding>> windows, QuestionAnsweringOptions options, int batchSize, CancellationToken cancellationToken = default)
    {
        var all = windows.SelectMany(w => w).ToList();
        var answers = new IReadOnlyList<AnswerSpan>[windows.Count];
        if (all.Count == 0)
            return answers;
        (float[][] start, float[][] end) = TokenLevelPredictor.PredictSpanLogits(model, all, batchSize, cancellationToken);
        return Decode(decoder, questions, contexts, windows, start, end, options);
    }

    /// <summary>
    /// <see cref="Answer"/> from span logits computed elsewhere (e.g. by ONNX Runtime): <paramref name="start"/> and
    /// <paramref name="end"/> hold every window's token logits, rows' windows one after the other.
    /// </summary>
    public static IReadOnlyList<AnswerSpan>[] Decode(QuestionAnsweringDecoder decoder, IReadOnlyList<string> questions, IReadOnlyList<string> contexts,
        IReadOnlyList<IReadOnlyList<DebertaEncoding>> windows, float[][] start, float[][] end, QuestionAnsweringOptions options)
    {
        var answers = new IReadOnlyList<AnswerSpan>[windows.Count];
        int first = 0;
        for (int r = 0; r < windows.Count; r++)
        {
            int count = windows[r].Count;
            answers[r] = decoder.Decode(questions[r], contexts[r], windows[r], start[first..(first + count)], end[first..(first + count)], options);
            first += count;
        }
        return answers;
    }
}
