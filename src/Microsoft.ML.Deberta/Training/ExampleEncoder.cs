using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Turns texts (or text pairs) into <see cref="EncodedExample"/>s of at most a maximum length, shortening long input
/// with a <see cref="LongTextStrategy"/>. Every text is tokenized once (by the tokenizer's batch API, in parallel for
/// large sets); the strategies only cut the token sequences.
/// </summary>
/// <remarks>
/// <para>Layout: <c>[CLS] A [SEP]</c> (token types 0) or <c>[CLS] A [SEP] B [SEP]</c> (types 0 for <c>[CLS] A [SEP]</c>,
/// 1 for <c>B [SEP]</c>). The budget for text tokens is the maximum length minus the special tokens (2 or 3).</para>
/// <para><see cref="LongTextStrategy.Truncate"/>: transformers' <c>truncation=True</c> (<c>longest_first</c>): a single
/// text keeps its first tokens; a pair takes tokens from the longer text until both fit. A long single text is only
/// tokenized as far as needed (<see cref="TruncationPrefix"/>), with the same ids.</para>
/// <para><see cref="LongTextStrategy.HeadAndTail"/>: a single text keeps its first ⌊budget / 4⌋ tokens and its last
/// budget − ⌊budget / 4⌋ (the head+tail truncation of Sun et al., "How to fine-tune BERT for text classification");
/// a pair is truncated as with <see cref="LongTextStrategy.Truncate"/>.</para>
/// <para><see cref="LongTextStrategy.SlidingWindows"/>: a single text becomes windows of budget tokens, each starting
/// budget − stride tokens after the previous one (transformers' <c>return_overflowing_tokens=True</c> with
/// <c>stride</c>), the last one ending at the text's end. For a pair the windows run over the second text (the
/// context, as in question answering) while the first is repeated in every window: whole when it fits in half the
/// budget, otherwise cut to its first ⌊budget / 2⌋ tokens, or to what the second text leaves free if that is more.
/// (transformers' <c>only_second</c> would fail on a first text that long.) Every window is an example with the row's
/// <see cref="EncodedExample.SourceIndex"/>; scoring averages their logits.</para>
/// </remarks>
internal static class ExampleEncoder
{
    // Rows tokenized per batch call: bounds the memory held by full encodings (tokens, offsets) of a large data set.
    private const int RowsPerTokenizerCall = 1024;

    /// <summary>Encodes texts, or text pairs, into examples of at most <paramref name="maxLength"/> tokens.</summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="texts">The texts (first sequences); no element may be null (an empty text gives <c>[CLS] [SEP]</c>).</param>
    /// <param name="pairs">Null, or one second text per text (an element may be null for no second text).</param>
    /// <param name="maxLength">The maximum example length, special tokens included.</param>
    /// <param name="strategy">What to do with input longer than <paramref name="maxLength"/>.</param>
    /// <param name="stride">For <see cref="LongTextStrategy.SlidingWindows"/>: tokens consecutive windows share; ignored otherwise.</param>
    /// <returns>The examples in row order; several consecutive ones per row with sliding windows.</returns>
    /// <exception cref="ArgumentException">A text is null, the pair count differs from the text count, the maximum
    /// length leaves no room for text, the stride is negative or does not leave windows room to advance, or the
    /// strategy is unknown.</exception>
    public static IReadOnlyList<EncodedExample> Encode(
        DebertaTokenizerBase tokenizer, IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs,
        int maxLength, LongTextStrategy strategy, int stride)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        if (!Enum.IsDefined(strategy))
            throw new ArgumentException($"Unknown long-text strategy {strategy}.", nameof(strategy));
        if (pairs is not null && pairs.Count != texts.Count)
            throw new ArgumentException($"There are {texts.Count} texts but {pairs.Count} second texts; give one per text (or null).", nameof(pairs));
        for (int i = 0; i < texts.Count; i++)
            if (texts[i] is null)
                throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
        bool anyPair = pairs is not null && pairs.Any(p => p is not null);
        int minimum = anyPair ? 4 : 3;
        if (maxLength < minimum)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength,
                $"The maximum length must leave room for at least one text token besides the {minimum - 1} special tokens{(anyPair ? " of a pair" : "")}.");
        if (stride < 0)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must not be negative.");
        if (strategy == LongTextStrategy.SlidingWindows)
        {
            // The smallest window a row can get: a single text's whole budget, or half a pair's budget (rounded up).
            int singleWindow = maxLength - 2, pairWindow = (maxLength - 3) - (maxLength - 3) / 2;
            int smallest = anyPair ? Math.Min(pairWindow, singleWindow) : singleWindow;
            if (stride >= smallest)
                throw new ArgumentOutOfRangeException(nameof(stride), stride,
                    $"The stride must be smaller than the smallest window ({smallest} tokens for max length {maxLength}{(anyPair ? " with text pairs" : "")}), so that windows advance.");
        }

        var cutter = new Cutter(tokenizer.ClsTokenId, tokenizer.SepTokenId, maxLength, strategy, stride);
        var options = new DebertaEncodeOptions { Truncation = DebertaTruncation.None };
        var examples = new List<EncodedExample>(texts.Count);
        int budget = maxLength - 2;
        for (int start = 0; start < texts.Count; start += RowsPerTokenizerCall)
        {
            int count = Math.Min(RowsPerTokenizerCall, texts.Count - start);
            var chunk = Slice(texts, start, count);
            var chunkPairs = pairs is null ? null : Slice(pairs, start, count);
            var shortened = strategy == LongTextStrategy.Truncate ? ShortenSingleTexts(chunk, chunkPairs, budget) : null;
            var encodings = tokenizer.EncodeBatch(chunk, chunkPairs, options);
            foreach (var encoding in encodings)
            {
                int index = encoding.SampleIndex;
                // A prefix that gave fewer tokens than the budget might have lost some: encode the whole text after all.
                var whole = shortened is not null && shortened[index] && encoding.Length - 2 < budget
                    ? tokenizer.Encode(texts[start + index], null, options) : encoding;
                cutter.Cut(whole, start + index, examples);
            }
        }
        return examples;
    }

    /// <summary>Replaces long single texts of <paramref name="chunk"/> by the prefix truncation needs; marks which.</summary>
    private static bool[] ShortenSingleTexts(string[] chunk, string?[]? pairs, int budget)
    {
        var shortened = new bool[chunk.Length];
        for (int i = 0; i < chunk.Length; i++)
        {
            if (pairs?[i] is null && TruncationPrefix.TryCut(chunk[i], budget, out var prefix))
            {
                chunk[i] = prefix;
                shortened[i] = true;
            }
        }
        return shortened;
    }

    private static T[] Slice<T>(IReadOnlyList<T> list, int start, int count)
    {
        var result = new T[count];
        for (int i = 0; i < count; i++) result[i] = list[start + i];
        return result;
    }

    /// <summary>Cuts one untruncated encoding into the examples of its row.</summary>
    private sealed class Cutter(int clsId, int sepId, int maxLength, LongTextStrategy strategy, int stride)
    {
        public void Cut(DebertaEncoding encoding, int row, List<EncodedExample> output)
        {
            // The untruncated encoding is [CLS] A [SEP] (B [SEP]); sequence ids tell text tokens of A and B apart (a
            // special token written in the text is text).
            var a = new List<int>(encoding.Length);
            var b = new List<int>();
            for (int i = 0; i < encoding.Length; i++)
            {
                if (encoding.SequenceIds[i] == 0) a.Add(encoding.InputIds[i]);
                else if (encoding.SequenceIds[i] == 1) b.Add(encoding.InputIds[i]);
            }
            // A pair's closing [SEP] has type 1, whether or not the second text produced tokens.
            bool pair = encoding.TokenTypeIds[encoding.Length - 1] == 1;
            if (!pair)
                CutSingle(a, row, output);
            else
                CutPair(a, b, row, output);
        }

        private void CutSingle(List<int> a, int row, List<EncodedExample> output)
        {
            int budget = maxLength - 2;
            if (a.Count <= budget)
            {
                output.Add(Build(a, 0, a.Count, null, 0, 0, row));
                return;
            }
            switch (strategy)
            {
                case LongTextStrategy.Truncate:
                    output.Add(Build(a, 0, budget, null, 0, 0, row));
                    break;
                case LongTextStrategy.HeadAndTail:
                    int head = budget / 4, tail = budget - head;
                    var kept = new List<int>(budget);
                    kept.AddRange(a.GetRange(0, head));
                    kept.AddRange(a.GetRange(a.Count - tail, tail));
                    output.Add(Build(kept, 0, budget, null, 0, 0, row));
                    break;
                case LongTextStrategy.SlidingWindows:
                    foreach (var (start, end) in WindowPlanner.Windows(a.Count, budget, stride))
                        output.Add(Build(a, start, end, null, 0, 0, row));
                    break;
            }
        }

        private void CutPair(List<int> a, List<int> b, int row, List<EncodedExample> output)
        {
            int budget = maxLength - 3;
            if (a.Count + b.Count <= budget)
            {
                output.Add(Build(a, 0, a.Count, b, 0, b.Count, row));
                return;
            }
            if (strategy != LongTextStrategy.SlidingWindows)
            {
                var (keepA, keepB) = WindowPlanner.LongestFirstLengths(a.Count, b.Count, budget);
                output.Add(Build(a, 0, keepA, b, 0, keepB, row));
                return;
            }
            int keepFirst = Math.Min(a.Count, Math.Max(budget / 2, budget - b.Count));
            int window = budget - keepFirst;
            foreach (var (start, end) in WindowPlanner.Windows(b.Count, window, stride))
                output.Add(Build(a, 0, keepFirst, b, start, end, row));
        }

        private EncodedExample Build(List<int> a, int aStart, int aEnd, List<int>? b, int bStart, int bEnd, int row)
        {
            int length = 2 + (aEnd - aStart) + (b is null ? 0 : 1 + bEnd - bStart);
            var ids = new int[length];
            var types = new int[length];
            int p = 0;
            ids[p++] = clsId;
            for (int i = aStart; i < aEnd; i++) ids[p++] = a[i];
            ids[p++] = sepId;
            if (b is not null)
            {
                int firstOfB = p;
                for (int i = bStart; i < bEnd; i++) ids[p++] = b[i];
                ids[p++] = sepId;
                Array.Fill(types, 1, firstOfB, p - firstOfB);
            }
            return new EncodedExample(ids, types, row);
        }
    }
}
