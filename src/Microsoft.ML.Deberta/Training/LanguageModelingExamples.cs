using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Turns tokenized texts into masked-LM training sequences, as transformers' <c>run_mlm.py</c> does: either one
/// sequence per text (<c>--line_by_line</c>: each text already truncated to the block size) or every text
/// concatenated and cut into blocks of exactly the block size (<c>group_texts</c>: the tail shorter than a block is
/// dropped; each text keeps its own [CLS] and [SEP], so blocks cross text boundaries).
/// </summary>
internal static class LanguageModelingExamples
{
    /// <summary>Builds the sequences.</summary>
    /// <param name="encodings">The texts, tokenized with special tokens (and truncated to the block size when not grouping).</param>
    /// <param name="blockSize">Tokens per block when grouping.</param>
    /// <param name="groupTexts">Concatenate and cut into blocks (true) or one sequence per text (false).</param>
    /// <exception cref="ArgumentException">Grouping, and all texts together are shorter than one block.</exception>
    public static IReadOnlyList<LanguageModelingExample> Build(IReadOnlyList<DebertaEncoding> encodings, int blockSize, bool groupTexts)
    {
        ArgumentNullException.ThrowIfNull(encodings);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        var perText = encodings.Select(FromEncoding).ToList();
        if (!groupTexts)
            return perText;

        int total = perText.Sum(e => e.InputIds.Length);
        int blocks = total / blockSize;
        if (blocks == 0)
            throw new ArgumentException(
                $"The texts hold {total} tokens together, fewer than one block of {blockSize}; lower the block size (MaxLength) " +
                "or train one sequence per text (GroupTexts = false).", nameof(encodings));
        var ids = new List<int>(total);
        var special = new List<bool>(total);
        var words = new List<int>(total);
        int wordOffset = 0;
        foreach (var e in perText)
        {
            ids.AddRange(e.InputIds);
            special.AddRange(e.SpecialTokens);
            // Word numbers stay unique across texts, so a word never joins one of the next text.
            words.AddRange(e.WordIds.Select(w => w < 0 ? -1 : w + wordOffset));
            wordOffset += e.WordIds.DefaultIfEmpty(-1).Max() + 1;
        }
        var result = new List<LanguageModelingExample>(blocks);
        for (int b = 0; b < blocks; b++)
        {
            int start = b * blockSize;
            result.Add(new LanguageModelingExample(
                ids.GetRange(start, blockSize).ToArray(), special.GetRange(start, blockSize).ToArray(), words.GetRange(start, blockSize).ToArray()));
        }
        return result;
    }

    /// <summary>One text's sequence: its ids, special-token flags and word ids (−1 where the encoding has none).</summary>
    public static LanguageModelingExample FromEncoding(DebertaEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        return new LanguageModelingExample(
            encoding.InputIds.ToArray(),
            encoding.SpecialTokensMask.Select(s => s != 0).ToArray(),
            encoding.WordIds.Select(w => w ?? -1).ToArray());
    }
}
