using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// One label per word of pre-split input, read where training put the word's label (<see cref="WordLabelAligner"/>):
/// at the word's first token. A word whose first token lies in several stride windows is read in the window that gives
/// that token the most context on its narrower side (the "max context" rule of BERT's SQuAD code; the earlier window
/// on ties).
/// </summary>
public static class WordPredictionDecoder
{
    /// <summary>Predicts a label for every word.</summary>
    /// <param name="windows">The windows of one pre-split text (<see cref="DebertaTokenizerBase.EncodeWords(IReadOnlyList{string}, DebertaEncodeOptions?)"/>).</param>
    /// <param name="logits">Per window, Length × <paramref name="labelCount"/> logits, row-major (the rows of trailing pads may be left out).</param>
    /// <param name="labelCount">Number of labels.</param>
    /// <param name="wordCount">Number of words of the text.</param>
    /// <exception cref="ArgumentException">Counts or lengths do not match, or a word has no token in any window (it was truncated away).</exception>
    public static WordPrediction[] Decode(IReadOnlyList<DebertaEncoding> windows, IReadOnlyList<float[]> logits, int labelCount, int wordCount)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        if (windows.Count != logits.Count)
            throw new ArgumentException($"{windows.Count} window(s) but {logits.Count} logits array(s): give one logits array per window.", nameof(logits));
        var best = new (int Window, int Token, int Context)[wordCount];
        Array.Fill(best, (-1, -1, -1));
        for (int w = 0; w < windows.Count; w++)
        {
            DebertaEncoding window = windows[w];
            if (!WindowLogits.Fits(window, logits[w], labelCount))
                throw new ArgumentException($"Window {w} has {window.Length} tokens, so its logits need {window.Length * labelCount} values, not {logits[w]?.Length ?? 0}.", nameof(logits));
            int first = Enumerable.Range(0, window.Length).FirstOrDefault(i => window.WordIds[i] is not null, -1);
            int last = Enumerable.Range(0, window.Length).LastOrDefault(i => window.WordIds[i] is not null, -1);
            for (int i = first; i >= 0 && i <= last; i++)
            {
                if (window.WordIds[i] is not int word || !IsWordStart(window, i))
                    continue;
                if (word >= wordCount)
                    throw new ArgumentException($"Window {w} token {i} belongs to word {word}, but the text has {wordCount} words.", nameof(wordCount));
                int context = Math.Min(i - first, last - i);
                if (context > best[word].Context)
                    best[word] = (w, i, context);
            }
        }
        int missing = Array.FindIndex(best, b => b.Window < 0);
        if (missing >= 0)
            throw new ArgumentException(
                $"Word {missing} has no first token in any window (truncated?): score long texts with stride windows so that every word is seen.", nameof(windows));
        return [.. best.Select(b =>
        {
            var probabilities = new float[labelCount];
            Softmax.Compute(logits[b.Window].AsSpan(b.Token * labelCount, labelCount), probabilities);
            int label = Softmax.ArgMax(probabilities);
            return new WordPrediction(label, probabilities[label]);
        })];
    }

    /// <summary>A word's first token: its word id differs from the token before, and it starts at the word's first character.</summary>
    private static bool IsWordStart(DebertaEncoding window, int i)
        => (i == 0 || window.WordIds[i - 1] != window.WordIds[i]) && window.Offsets[i].Start == 0;
}
