using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// Word labels onto tokens for training, as transformers' <c>run_ner.py</c> (<c>tokenize_and_align_labels</c>) does:
/// the first token of each word in a window gets the word's label, the word's other tokens get −100 (ignored by the
/// loss) or, with <c>labelAllTokens</c>, the label too (a <c>B-</c> label turned into its <c>I-</c> label when there is
/// one), and special and pad tokens get −100.
/// </summary>
public static class WordLabelAligner
{
    /// <summary>The label the loss ignores (<c>-100</c>, PyTorch's <c>ignore_index</c>).</summary>
    public const int IgnoredLabel = -100;

    /// <summary>Token labels of one window of pre-split words (<see cref="DebertaTokenizerBase.EncodeWords(IReadOnlyList{string}, DebertaEncodeOptions?)"/>).</summary>
    /// <param name="window">The encoding; its word ids index <paramref name="wordLabels"/>.</param>
    /// <param name="wordLabels">One label id per word.</param>
    /// <param name="labelAllTokens">Label every token of a word instead of only its first.</param>
    /// <param name="id2label">The label names in id order; needed with <paramref name="labelAllTokens"/> to map B- to I-.</param>
    /// <exception cref="ArgumentException">A token's word has no label.</exception>
    public static int[] Align(DebertaEncoding window, IReadOnlyList<int> wordLabels, bool labelAllTokens = false, IReadOnlyList<string>? id2label = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(wordLabels);
        int[] insideOf = InsideLabels(labelAllTokens ? id2label ?? throw new ArgumentNullException(nameof(id2label), "labelAllTokens needs id2label to turn B- labels into I- labels.") : []);
        var labels = new int[window.Length];
        int? previousWord = null;
        for (int i = 0; i < labels.Length; i++)
        {
            int? word = window.WordIds[i];
            if (word is not int w || window.SpecialTokensMask[i] != 0)
                labels[i] = IgnoredLabel;
            else if (w >= wordLabels.Count)
                throw new ArgumentException($"Token {i} belongs to word {w}, but only {wordLabels.Count} word label(s) were given: give one label per word.", nameof(wordLabels));
            else if (w != previousWord)
                labels[i] = wordLabels[w];
            else if (!labelAllTokens)
                labels[i] = IgnoredLabel;
            else if (wordLabels[w] < 0 || wordLabels[w] >= insideOf.Length)
                throw new ArgumentException($"Word {w} has label {wordLabels[w]}, which is not an id of the {insideOf.Length} labels.", nameof(wordLabels));
            else
                labels[i] = insideOf[wordLabels[w]];
            previousWord = word;
        }
        return labels;
    }

    /// <summary>For every label id, the id of its I- label when it is a B- label that has one, else itself (<c>b_to_i_label</c>).</summary>
    private static int[] InsideLabels(IReadOnlyList<string> id2label)
    {
        var ids = id2label.Select((name, id) => (name, id)).GroupBy(p => p.name).ToDictionary(g => g.Key, g => g.First().id);
        return [.. id2label.Select((name, id) => name.StartsWith("B-", StringComparison.Ordinal) && ids.TryGetValue("I-" + name[2..], out int inside) ? inside : id)];
    }
}
