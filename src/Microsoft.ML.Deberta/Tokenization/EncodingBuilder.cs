namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Lays out one window with the 4.x template (<c>[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1</c>) and right padding.
/// </summary>
internal static class EncodingBuilder
{
    public static DebertaEncoding Build(
        DebertaTokenizerBase tokenizer, TokenizedSequence a, TokenizedSequence? b, WindowSpec window,
        bool addSpecialTokens, int padTo, int sampleIndex, bool fastTokenizerOffsets = false)
    {
        int specials = addSpecialTokens ? (window.HasPair ? 3 : 2) : 0;
        int length = window.ContentLength + specials;
        int total = Math.Max(length, padTo);
        var ids = new int[total];
        var types = new int[total];
        var attention = new int[total];
        var specialMask = new int[total];
        var tokens = new string[total];
        var offsets = new TokenOffset[total];
        var words = new int?[total];
        var sequences = new int?[total];

        int position = 0;
        void Special(int id, string token, int type)
        {
            ids[position] = id;
            types[position] = type;
            attention[position] = 1;
            specialMask[position] = 1;
            tokens[position] = token;
            position++;
        }

        void Content(TokenizedSequence sequence, int start, int end, int type)
        {
            for (int i = start; i < end; i++)
            {
                int id = sequence.Ids[i];
                ids[position] = id;
                types[position] = type;
                attention[position] = 1;
                tokens[position] = sequence.Tokens?[i] ?? tokenizer.ConvertIdToToken(id);
                offsets[position] = fastTokenizerOffsets && sequence.FastTokenizerSpans?.TryGetValue(i, out TokenOffset fast) == true
                    ? fast
                    : new TokenOffset(sequence.Starts[i], sequence.Ends[i]);
                words[position] = sequence.WordIds[i];
                sequences[position] = type;
                position++;
            }
        }

        if (addSpecialTokens)
            Special(tokenizer.ClsTokenId, tokenizer.ClsToken, 0);
        Content(a, window.AStart, window.AEnd, 0);
        if (addSpecialTokens)
            Special(tokenizer.SepTokenId, tokenizer.SepToken, 0);
        if (window.HasPair)
        {
            Content(b!, window.BStart, window.BEnd, 1);
            if (addSpecialTokens)
                Special(tokenizer.SepTokenId, tokenizer.SepToken, 1);
        }
        for (; position < total; position++)
        {
            ids[position] = tokenizer.PadTokenId;
            specialMask[position] = 1;
            tokens[position] = tokenizer.PadToken;
        }

        var sources = new SequenceSource?[] { a.Source, window.HasPair ? b!.Source : null };
        return new DebertaEncoding(ids, types, attention, specialMask, tokens, offsets, words, sequences, sampleIndex, sources)
        {
            HasFastTokenizerOffsets = fastTokenizerOffsets,
        };
    }
}
