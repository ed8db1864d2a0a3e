using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The row-to-row mapper behind <c>PredictionEngine</c>: scores the one current row (a batch of 1) when a
/// prediction column is first read at a new row position, and caches the result for the other columns.
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal sealed class ScoringRowMapper<TRow>(ScoringBinding<TRow> binding) : IRowToRowMapper
{
    public DataViewSchema InputSchema => binding.InputSchema;

    public DataViewSchema OutputSchema => binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        binding.Split(dependingColumns).Inputs.Order().Select(i => binding.InputSchema[i]).ToArray();

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new ScoredRow(binding, input, binding.Split(activeColumns).Added);
    }

    private sealed class ScoredRow(ScoringBinding<TRow> binding, DataViewRow input, bool[] addedActive) : DataViewRow
    {
        private long _scoredPosition = -1;
        private TRow _outputs = default!;

        public override DataViewSchema Schema => binding.OutputSchema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => binding.IsActive(column, input, addedActive);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            binding.Getter(column, input, addedActive, added =>
            {
                var text = input.GetGetter<ReadOnlyMemory<char>>(binding.InputSchema[binding.TextIndex]);
                var pair = binding.PairIndex is { } p ? input.GetGetter<ReadOnlyMemory<char>>(binding.InputSchema[p]) : null;
                return binding.AddedGetter<TValue>(added, () => Outputs(text, pair));
            }, "row");

        private TRow Outputs(ValueGetter<ReadOnlyMemory<char>> text, ValueGetter<ReadOnlyMemory<char>>? pair)
        {
            if (_scoredPosition == input.Position)
                return _outputs;
            ReadOnlyMemory<char> value = default;
            text(ref value);
            string[] texts = [value.ToString()];
            string[]? pairs = null;
            if (pair is not null)
            {
                pair(ref value);
                pairs = [value.ToString()];
            }
            _outputs = binding.Owner.ScoreRows(texts, pairs)[0];
            _scoredPosition = input.Position;
            return _outputs;
        }
    }
}
