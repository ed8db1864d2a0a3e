using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A tokenization transformer applied to one input schema: the columns it adds (input ids, attention mask, token
/// type ids; Vector&lt;Int64&gt;).
/// </summary>
internal sealed class TokenizationBinding : TextColumnsBinding
{
    public TokenizationBinding(TokenizationTransformer owner, DataViewSchema inputSchema)
        : base(inputSchema, owner.Settings.TextColumn, owner.Settings.PairColumn,
            owner.Settings.OutputColumns.Select(name => new DataViewSchema.DetachedColumn(name, OutputType(owner.Settings))).ToList())
    {
        Owner = owner;
    }

    public TokenizationTransformer Owner { get; }

    /// <summary>The type of every added column: fixed-size when rows are padded to the maximum length, else variable-length.</summary>
    public static VectorDataViewType OutputType(TokenizationSettings settings) =>
        new(NumberDataViewType.Int64, settings.PadToMaxLength ? settings.MaxLength : 0);

    /// <summary>A reader of the current row's encoding, computed once per row position.</summary>
    public Func<DebertaEncoding> EncodingReader(DataViewRow input)
    {
        var text = input.GetGetter<ReadOnlyMemory<char>>(InputSchema[TextIndex]);
        var pair = PairIndex is { } p ? input.GetGetter<ReadOnlyMemory<char>>(InputSchema[p]) : null;
        long position = -1;
        DebertaEncoding? encoding = null;
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            if (encoding is not null && position == input.Position)
                return encoding;
            text(ref value);
            string first = value.ToString();
            string? second = null;
            if (pair is not null)
            {
                pair(ref value);
                second = value.ToString();
            }
            encoding = Encode(first, second, input.Position);
            position = input.Position;
            return encoding;
        };
    }

    // OnlyFirst/OnlySecond may cut one text only; like transformers, a row whose other text alone is over the budget is an
    // error, here one that names the row and the way out rather than the tokenizer's bare message.
    private DebertaEncoding Encode(string first, string? second, long position)
    {
        try
        {
            return Owner.Encode(first, second);
        }
        catch (ArgumentException e) when (Owner.Settings.Truncation is DebertaTruncation.OnlyFirst or DebertaTruncation.OnlySecond)
        {
            var settings = Owner.Settings;
            var (cut, whole) = settings.Truncation == DebertaTruncation.OnlyFirst
                ? (settings.TextColumn, settings.PairColumn) : (settings.PairColumn, settings.TextColumn);
            throw new InvalidOperationException(
                $"Row {position + 1}: Truncation {settings.Truncation} may shorten only column '{cut}', but the text in column '{whole}' " +
                $"leaves no room for it within MaxLength {settings.MaxLength} (transformers refuses such a row too). Use Truncation " +
                $"LongestFirst, a larger MaxLength, or shorten that text.", e);
        }
    }

    /// <summary>A getter for added column <paramref name="addedIndex"/>, or a clear error when the caller asks for the wrong type.</summary>
    public ValueGetter<TValue> AddedGetter<TValue>(int addedIndex, Func<DebertaEncoding> encoding)
    {
        Func<DebertaEncoding, IReadOnlyList<int>> select = addedIndex switch
        {
            0 => e => e.InputIds,
            1 => e => e.AttentionMask,
            2 => e => e.TokenTypeIds,
            _ => throw new ArgumentOutOfRangeException(nameof(addedIndex)),
        };
        ValueGetter<VBuffer<long>> getter = (ref VBuffer<long> dst) =>
        {
            var values = select(encoding());
            var editor = VBufferEditor.Create(ref dst, values.Count);
            for (int i = 0; i < values.Count; i++)
                editor.Values[i] = values[i];
            dst = editor.Commit();
        };
        return Typed<TValue>(getter, addedIndex);
    }
}
