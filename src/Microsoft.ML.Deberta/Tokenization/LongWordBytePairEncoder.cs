namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Byte-level BPE for very long pre-tokens. Microsoft.ML.Tokenizers 2.0.1 merges with a priority queue like the
/// <c>tokenizers</c> library but then removes merged symbols one at a time from an array (quadratic): a single
/// 100,000-letter word takes about a second and a 1 MB one about a minute. This class applies the same merges in
/// the same order (lowest rank first, then leftmost position, stale entries skipped, exactly as Hugging Face's
/// <c>Word::merge_all</c>) in O(n log n). It is only used above <see cref="MinimumLength"/> characters; a test checks
/// it agrees with Microsoft.ML.Tokenizers on thousands of words.
/// </summary>
internal sealed class LongWordBytePairEncoder
{
    /// <summary>Pre-tokens at least this long (UTF-16 units) are encoded here instead of by Microsoft.ML.Tokenizers.</summary>
    public const int MinimumLength = 256;

    private readonly int[] _byteSymbolIds;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;

    /// <param name="byteSymbolIds">The vocabulary id of the one-character token of every byte.</param>
    /// <param name="merges">Merges by (left id, right id): their rank and the id of the merged token.</param>
    public LongWordBytePairEncoder(int[] byteSymbolIds, Dictionary<long, (int Rank, int NewId)> merges)
    {
        _byteSymbolIds = byteSymbolIds;
        _merges = merges;
    }

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    public void Encode(ReadOnlySpan<char> word, List<int> ids)
    {
        var bytes = new List<byte>(word.Length * 2);
        ByteLevelAlphabet.AppendUtf8(word, bytes);
        int n = bytes.Count;
        var symbol = new int[n];
        var prev = new int[n];
        var next = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            symbol[i] = _byteSymbolIds[bytes[i]];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            alive[i] = true;
        }

        var queue = new PriorityQueue<(int Pos, int NewId), (int Rank, int Pos)>(n);
        for (int i = 0; i + 1 < n; i++)
            Enqueue(queue, symbol[i], symbol[i + 1], i);

        while (queue.TryDequeue(out (int Pos, int NewId) top, out _))
        {
            int pos = top.Pos;
            if (!alive[pos] || next[pos] < 0)
                continue;
            int right = next[pos];
            if (!_merges.TryGetValue(PairKey(symbol[pos], symbol[right]), out var merge) || merge.NewId != top.NewId)
                continue; // stale entry: one of the symbols changed since it was queued
            symbol[pos] = top.NewId;
            alive[right] = false;
            next[pos] = next[right];
            if (next[pos] >= 0)
                prev[next[pos]] = pos;
            if (prev[pos] >= 0)
                Enqueue(queue, symbol[prev[pos]], symbol[pos], prev[pos]);
            if (next[pos] >= 0)
                Enqueue(queue, symbol[pos], symbol[next[pos]], pos);
        }

        for (int i = 0; i >= 0 && i < n; i = next[i])
            ids.Add(symbol[i]);
    }

    private void Enqueue(PriorityQueue<(int, int), (int, int)> queue, int left, int right, int pos)
    {
        if (_merges.TryGetValue(PairKey(left, right), out var merge))
            queue.Enqueue((pos, merge.NewId), (merge.Rank, pos));
    }
}
