using System.Runtime.ExceptionServices;

namespace Microsoft.ML.Deberta.Tokenization;

public abstract partial class DebertaTokenizerBase
{
    // Below this many inputs a batch is tokenized on the calling thread (thread start-up would cost more).
    private const int ParallelBatchThreshold = 64;

    /// <summary>Encodes one text (<c>tokenizer(text, ...)</c>).</summary>
    /// <param name="text">The text; not null. Empty or whitespace-only text gives just the special tokens (v1 keeps whitespace as <c>Ġ</c> tokens).</param>
    /// <param name="options">Truncation, padding and overflow options; null for the defaults.</param>
    /// <returns>The encoding; with overflow requested, the further windows are in <see cref="DebertaEncoding.Overflowing"/>.</returns>
    public DebertaEncoding Encode(string text, DebertaEncodeOptions? options = null) => Encode(text, null, options);

    /// <summary>Encodes a text pair as <c>[CLS] A [SEP] B [SEP]</c> (<c>tokenizer(text, text_pair, ...)</c>).</summary>
    /// <param name="text">The first text; not null.</param>
    /// <param name="textPair">The second text, or null for a single text.</param>
    /// <param name="options">Truncation, padding and overflow options; null for the defaults.</param>
    public DebertaEncoding Encode(string text, string? textPair, DebertaEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Single(EncodeBatch([text], [textPair], options));
    }

    /// <summary>Encodes pre-split words (<c>is_split_into_words=True</c>); word ids are the word indices.</summary>
    /// <param name="words">The words; neither the list nor an element may be null.</param>
    /// <param name="options">Truncation, padding and overflow options; null for the defaults.</param>
    public DebertaEncoding EncodeWords(IReadOnlyList<string> words, DebertaEncodeOptions? options = null)
        => EncodeWords(words, null, options);

    /// <summary>Encodes a pair of pre-split word lists; offsets are relative to each word.</summary>
    /// <param name="words">The first sequence's words.</param>
    /// <param name="pairWords">The second sequence's words, or null.</param>
    /// <param name="options">Truncation, padding and overflow options; null for the defaults.</param>
    public DebertaEncoding EncodeWords(IReadOnlyList<string> words, IReadOnlyList<string>? pairWords, DebertaEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        return Single(EncodeWordsBatch([words], [pairWords], options));
    }

    /// <summary>Encodes many texts at once (in parallel for large batches); padding <see cref="DebertaPadding.Longest"/> pads to the longest of the batch.</summary>
    /// <param name="texts">The texts; no element may be null.</param>
    /// <param name="options">Truncation, padding and overflow options; null for the defaults.</param>
    /// <returns>One encoding per text, or with overflow requested one per window, in input order (see <see cref="DebertaEncoding.SampleIndex"/>).</returns>
    public IReadOnlyList<DebertaEncoding> EncodeBatch(IReadOnlyList<string> texts, DebertaEncodeOptions? options = null)
        => EncodeBatch(texts, null, options);

    /// <summary>Encodes many texts or text pairs at once.</summary>
    /// <param name="texts">The first texts; no element may be null.</param>
    /// <param name="textPairs">Null, or one second text (or null) per first text.</param>
    /// <param name="options">Truncation, padding and overflow options; null for the defaults.</param>
    public IReadOnlyList<DebertaEncoding> EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string?>? textPairs, DebertaEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        CheckBatch(texts.Count, textPairs?.Count, nameof(textPairs));
        for (int i = 0; i < texts.Count; i++)
            if (texts[i] is null)
                throw new ArgumentNullException(nameof(texts), $"Text {i} of the batch is null.");
        return EncodeSources(texts.Count, i => SequenceSource.FromText(texts[i]), i =>
        {
            string? pair = textPairs?[i];
            return pair is null || (pair.Length == 0 && EmptyPairIsAbsent) ? null : SequenceSource.FromText(pair);
        }, options);
    }

    /// <summary>Encodes many pre-split inputs at once (token classification).</summary>
    /// <param name="words">One word list per input; no list or word may be null.</param>
    /// <param name="pairWords">Null, or one second word list (or null) per input.</param>
    /// <param name="options">Truncation, padding and overflow options; null for the defaults.</param>
    public IReadOnlyList<DebertaEncoding> EncodeWordsBatch(
        IReadOnlyList<IReadOnlyList<string>> words, IReadOnlyList<IReadOnlyList<string>?>? pairWords = null, DebertaEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        CheckBatch(words.Count, pairWords?.Count, nameof(pairWords));
        for (int i = 0; i < words.Count; i++)
        {
            CheckWords(words[i], $"Input {i}", nameof(words));
            if (pairWords?[i] is IReadOnlyList<string> second)
                CheckWords(second, $"Second word list of input {i}", nameof(pairWords));
        }
        return EncodeSources(words.Count, i => SequenceSource.FromWords(words[i]), i =>
        {
            IReadOnlyList<string>? pair = pairWords?[i];
            return pair is null || (pair.Count == 0 && EmptyPairIsAbsent) ? null : SequenceSource.FromWords(pair);
        }, options);
    }

    private IReadOnlyList<DebertaEncoding> EncodeSources(
        int count, Func<int, SequenceSource> first, Func<int, SequenceSource?> second, DebertaEncodeOptions? options)
    {
        options ??= DebertaEncodeOptions.Default;
        options.Validate();
        DebertaTruncation truncation = options.ResolveTruncation();
        int maxLength = options.MaxLength ?? ModelMaxLength;
        // tokenizers 0.23's early exit (emulated for its reference data only) stops tokenizing a sequence at max_length
        // tokens, except the first sequence under only_second (TokenizerImpl::do_tokenize).
        int tokenLimit = options.EmulateTokenizersEarlyExit && truncation != DebertaTruncation.None ? maxLength : int.MaxValue;
        int firstTokenLimit = truncation == DebertaTruncation.OnlySecond ? int.MaxValue : tokenLimit;

        var a = new TokenizedSequence[count];
        var b = new TokenizedSequence?[count];
        var windows = new List<WindowSpec>[count];
        ForEachIndex(count, SupportsConcurrentTokenization, i =>
        {
            a[i] = TokenizeSequence(first(i), firstTokenLimit);
            b[i] = second(i) is SequenceSource s ? TokenizeSequence(s, tokenLimit) : null;
            int specials = options.AddSpecialTokens ? (b[i] is null ? 2 : 3) : 0;
            windows[i] = WindowPlanner.Plan(a[i].Count, b[i]?.Count ?? -1, options, maxLength, specials);
        });

        var flat = new List<(int Sample, WindowSpec Window)>(count);
        for (int i = 0; i < count; i++)
            foreach (WindowSpec window in windows[i])
                flat.Add((i, window));
        int padTo = PaddedLength(flat.Select(f => f.Window.ContentLength + (options.AddSpecialTokens ? (f.Window.HasPair ? 3 : 2) : 0)), options);

        var result = new DebertaEncoding[flat.Count];
        ForEachIndex(flat.Count, true, k =>
        {
            (int sample, WindowSpec window) = flat[k];
            result[k] = EncodingBuilder.Build(this, a[sample], b[sample], window, options.AddSpecialTokens, padTo, sample, options.FastTokenizerOffsets);
        });
        return result;
    }

    /// <summary>Tokenizes one sequence: added tokens split out first, the chunks between them by the model.</summary>
    internal TokenizedSequence TokenizeSequence(SequenceSource source, int tokenLimit)
    {
        var chunks = new List<TextChunk>();
        if (source.Text is string text)
        {
            var sequence = new TokenizedSequence(source, text.Length / 3 + 4);
            int nextWord = 0;
            _splitter.Split(text, chunks);
            foreach (TextChunk chunk in chunks)
            {
                // As tokenize_with_limit: added tokens are counted but never end the loop; the pre-token that
                // reaches the limit does.
                if (chunk.IsAddedToken)
                    sequence.Add(chunk.Token!.Id, chunk.Start, chunk.End, nextWord++);
                else
                {
                    TokenizeText(text, chunk.Start, chunk.End, sequence, null, ref nextWord, tokenLimit);
                    if (sequence.Count >= tokenLimit)
                        break;
                }
            }
            return sequence;
        }

        IReadOnlyList<string> words = source.Words!;
        var result = new TokenizedSequence(source, words.Count * 2 + 4);
        for (int w = 0; w < words.Count; w++)
        {
            chunks.Clear();
            _splitter.Split(words[w], chunks);
            int unused = 0;
            foreach (TextChunk chunk in chunks)
            {
                if (chunk.IsAddedToken)
                    result.Add(chunk.Token!.Id, chunk.Start, chunk.End, w);
                else
                    TokenizeText(words[w], chunk.Start, chunk.End, result, w, ref unused, int.MaxValue);
            }
        }
        return result;
    }

    private static int PaddedLength(IEnumerable<int> lengths, DebertaEncodeOptions options)
    {
        int target = options.Padding switch
        {
            DebertaPadding.Longest => lengths.DefaultIfEmpty(0).Max(),
            DebertaPadding.MaxLength => options.MaxLength!.Value,
            _ => 0,
        };
        if (options.Padding != DebertaPadding.None && options.PadToMultipleOf is int multiple && target % multiple != 0)
            target += multiple - target % multiple;
        return target;
    }

    private static DebertaEncoding Single(IReadOnlyList<DebertaEncoding> windows)
    {
        DebertaEncoding first = windows[0];
        if (windows.Count > 1)
            first.Overflowing = windows.Skip(1).ToArray();
        return first;
    }

    private static void CheckBatch(int count, int? pairCount, string pairName)
    {
        if (pairCount is int n && n != count)
            throw new ArgumentException($"The batch has {count} inputs but {n} second sequences.", pairName);
    }

    private static void CheckWords(IReadOnlyList<string>? words, string what, string parameter)
    {
        if (words is null)
            throw new ArgumentNullException(parameter, $"{what} is null.");
        for (int j = 0; j < words.Count; j++)
            if (words[j] is null)
                throw new ArgumentNullException(parameter, $"{what}: word {j} is null.");
    }

    /// <summary>Runs <paramref name="body"/> for 0…count−1, in parallel for large counts; rethrows the first failure as is.</summary>
    private static void ForEachIndex(int count, bool parallel, Action<int> body)
    {
        if (!parallel || count < ParallelBatchThreshold || Environment.ProcessorCount == 1)
        {
            for (int i = 0; i < count; i++)
                body(i);
            return;
        }
        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
