using Microsoft.ML.Data;
namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The row-to-row mapper behind <c>PredictionEngine</c>: tokenizes the current input row when an added column is read.</summary>
internal sealed class TokenizationRowMapper(TokenizationBinding binding) : IRowToRowMapper
{
    public DataViewSchema InputSchema => binding.InputSchema;

    public DataViewSchema OutputSchema => binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        binding.Split(dependingColumns).Inputs.Order().Select(i => binding.InputSchema[i]).ToArray();

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new TokenizedRow(binding, input, binding.Split(activeColumns).Added);
    }

    private sealed class TokenizedRow : DataViewRow
    {
        private readonly TokenizationBinding _binding;
        private readonly DataViewRow _input;
        private readonly bool[] _added;
        private readonly Func<Tokenization.DebertaEncoding>? _encoding;

        public TokenizedRow(TokenizationBinding binding, DataViewRow input, bool[] added)
        {
            _binding = binding;
            _input = input;
            _added = added;
            _encoding = added.Any(a => a) ? binding.EncodingReader(input) : null;
        }

        public override DataViewSchema Schema => _binding.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _binding.IsActive(column, _input, _added);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            _binding.Getter(column, _input, _added, added => _binding.AddedGetter<TValue>(added, _encoding!), "row");
    }
}
