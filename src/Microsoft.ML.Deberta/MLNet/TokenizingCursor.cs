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

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        int added = _binding.AddedIndex(column);
        return added >= 0 ? _added[added] : _input.IsColumnActive(_binding.InputSchema[column.Index]);
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int added = _binding.AddedIndex(column);
        if (added < 0)
            return _input.GetGetter<TValue>(_binding.InputSchema[column.Index]);
        if (!_added[added])
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
        return _binding.AddedGetter<TValue>(added, _encoding!);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _input.Dispose();
        base.Dispose(disposing);
    }
}
