using Microsoft.ML.Data;
namespace Microsoft.ML.Deberta.MLNet;

/// <summary>A cursor over tokenized rows: input columns pass through; the added columns are computed from the current row.</summary>
internal sealed class TokenizingCursor : DataViewRowCursor
{
    private readonly TokenizationBinding _binding;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _added;
    private readonly Func<Tokenization.DebertaEncoding>? _encoding;

    public TokenizingCursor(TokenizationBinding binding, DataViewRowCursor input, bool[] added)
    {
        _binding = binding;
        _input = input;
        _added = added;
        _encoding = added.Any(a => a) ? binding.EncodingReader(input) : null;
    }

    public override DataViewSchema Schema => _binding.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override bool MoveNext() => _input.MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _binding.IsActive(column, _input, _added);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        _binding.Getter(column, _input, _added, added => _binding.AddedGetter<TValue>(added, _encoding!), "cursor");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _input.Dispose();
        base.Dispose(disposing);
    }
}
