using System.Runtime.CompilerServices;

namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// A double-array trie over the UTF-8 bytes of vocabulary pieces: one array lookup per input byte, so the Viterbi
/// search walks every piece that starts at a position in O(longest piece) steps. Plays the role of the Darts trie
/// that sentencepiece builds over its pieces (<c>Model::BuildTrie</c>).
/// </summary>
internal sealed class PieceTrie
{
    private const int Root = 0;
    private const int Free = -1;

    // Child of node s under byte b is t = _base[s] + b, valid when _check[t] == s. _value[t] is the piece id whose
    // bytes end at t, or -1.
    private readonly int[] _base;
    private readonly int[] _check;
    private readonly int[] _value;

    private PieceTrie(int[] @base, int[] check, int[] value)
    {
        _base = @base;
        _check = check;
        _value = value;
    }

    /// <summary>The start node for <see cref="TryStep"/>.</summary>
    public static int RootNode => Root;

    /// <summary>Builds the trie. Keys must be distinct and non-empty.</summary>
    public static PieceTrie Build(IReadOnlyList<(byte[] Key, int Value)> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        var builder = new Builder(Math.Max(1024, sorted.Sum(e => e.Key.Length) + 512));
        builder.Add(sorted);
        return builder.ToTrie();
    }

    /// <summary>Follows the edge labelled <paramref name="label"/>; false when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryStep(ref int node, byte label)
    {
        int next = _base[node] + label;
        if ((uint)next < (uint)_check.Length && _check[next] == node)
        {
            node = next;
            return true;
        }
        return false;
    }

    /// <summary>The id of the piece that ends at <paramref name="node"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ValueAt(int node) => _value[node];

    /// <summary>Length in bytes of the longest key that is a prefix of <paramref name="input"/>; 0 when none.</summary>
    public int LongestPrefixLength(ReadOnlySpan<byte> input)
    {
        int node = Root, longest = 0;
        for (int i = 0; i < input.Length && TryStep(ref node, input[i]); i++)
        {
            if (_value[node] >= 0)
                longest = i + 1;
        }
        return longest;
    }

    private sealed class Builder
    {
        private int[] _base;
        private int[] _check;
        private int[] _value;
        // Free slots as a doubly linked list (in slot order), so that finding a base visits free slots only: with
        // ~10^5 pieces a scan over used slots would make the build quadratic.
        private int[] _nextFree;
        private int[] _prevFree;
        private int _freeHead = -1;
        private int _freeTail = -1;
        private int _size = 1;

        public Builder(int capacity)
        {
            _base = [];
            _check = [];
            _value = [];
            _nextFree = [];
            _prevFree = [];
            Grow(capacity);
            Unlink(Root);
            _check[Root] = -2;   // the root is nobody's child
        }

        public void Add((byte[] Key, int Value)[] sorted)
        {
            var pending = new Stack<(int Node, int Lo, int Hi, int Depth)>();
            pending.Push((Root, 0, sorted.Length, 0));
            Span<int> labels = stackalloc int[256];
            Span<int> groupStart = stackalloc int[257];
            while (pending.Count > 0)
            {
                var (node, lo, hi, depth) = pending.Pop();
                if (lo < hi && sorted[lo].Key.Length == depth)
                {
                    _value[node] = sorted[lo].Value;   // sorted order puts the key that ends here first
                    lo++;
                }
                if (lo >= hi)
                    continue;

                int count = 0;
                for (int i = lo; i < hi; i++)
                {
                    int label = sorted[i].Key[depth];
                    if (count == 0 || labels[count - 1] != label)
                    {
                        labels[count] = label;
                        groupStart[count] = i;
                        count++;
                    }
                }
                groupStart[count] = hi;

                int b = FindBase(labels[..count]);
                _base[node] = b;
                for (int k = 0; k < count; k++)
                {
                    Unlink(b + labels[k]);
                    _check[b + labels[k]] = node;
                }
                for (int k = 0; k < count; k++)
                    pending.Push((b + labels[k], groupStart[k], groupStart[k + 1], depth + 1));
                _size = Math.Max(_size, b + labels[count - 1] + 1);
            }
        }

        // The first base >= 1, in free-list order, whose slots base + label are all free.
        private int FindBase(ReadOnlySpan<int> labels)
        {
            for (int slot = _freeHead; ; slot = _nextFree[slot])
            {
                if (slot < 0)
                {
                    slot = _check.Length;
                    Grow(_check.Length * 2);
                }
                int b = slot - labels[0];
                if (b < 1)
                    continue;
                if (b + labels[^1] >= _check.Length)
                    Grow(Math.Max(_check.Length * 2, b + 257));
                bool fits = true;
                for (int k = 1; k < labels.Length && fits; k++)
                    fits = _check[b + labels[k]] == Free;
                if (fits)
                    return b;
            }
        }

        private void Grow(int size)
        {
            int old = _check.Length;
            if (size <= old)
                return;
            Array.Resize(ref _base, size);
            Array.Resize(ref _check, size);
            Array.Resize(ref _value, size);
            Array.Resize(ref _nextFree, size);
            Array.Resize(ref _prevFree, size);
            Array.Fill(_check, Free, old, size - old);
            Array.Fill(_value, -1, old, size - old);
            for (int slot = old; slot < size; slot++)
            {
                _prevFree[slot] = _freeTail;
                _nextFree[slot] = -1;
                if (_freeTail >= 0)
                    _nextFree[_freeTail] = slot;
                else
                    _freeHead = slot;
                _freeTail = slot;
            }
        }

        private void Unlink(int slot)
        {
            int prev = _prevFree[slot], next = _nextFree[slot];
            if (prev >= 0) _nextFree[prev] = next; else _freeHead = next;
            if (next >= 0) _prevFree[next] = prev; else _freeTail = prev;
        }

        public PieceTrie ToTrie() => new(_base[.._size], _check[.._size], _value[.._size]);
    }
}
