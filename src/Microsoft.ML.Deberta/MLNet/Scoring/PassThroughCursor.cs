using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>A cursor over a scored view when no prediction column is requested: input rows as they are.</summary>
internal sealed class PassThroughCursor(TextColumnsBinding binding, DataViewRowCursor input) : DataViewRowCursor
{
    public override DataViewSchema Schema => binding.OutputSchema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override bool MoveNext() => input.MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        binding.AddedIndex(column) < 0 && input.IsColumnActive(binding.InputSchema[column.Index]);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        binding.AddedIndex(column) < 0 ? input.GetGetter<TValue>(binding.InputSchema[column.Index])
            : throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            input.Dispose();
        base.Dispose(disposing);
    }
}
