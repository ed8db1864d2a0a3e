using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A cursor that reads up to <see cref="TextScoringTransformer.BatchSize"/> input rows ahead, copies their active
/// columns, scores them with one forward pass, then serves them one by one. Never scores row by row.
/// </summary>
internal sealed class BatchScoringCursor : DataViewRowCursor
{
    private readonly ScoringBinding _binding;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _addedActive;
    private readonly ValueGetter<ReadOnlyMemory<char>> _text;
    private readonly ValueGetter<ReadOnlyMemory<char>>? _pair;
    private readonly ValueGetter<DataViewRowId> _id;
    private readonly Dictionary<int, RowValueBuffer> _buffers = new();
    private readonly string[] _texts;
    private readonly string[]? _pairs;
    private readonly DataViewRowId[] _ids;
    private float[][] _outputs = [];
    private int _count;
    private int _index = -1;
    private long _position = -1;
    private bool _inputDone;

    public BatchScoringCursor(ScoringBinding binding, DataViewRowCursor input, IEnumerable<int> activeInputs, bool[] addedActive)
    {
        _binding = binding;
        _input = input;
        _addedActive = addedActive;
        int capacity = binding.Owner.BatchSize;
        _text = input.GetGetter<ReadOnlyMemory<char>>(binding.InputSchema[binding.TextIndex]);
        _pair = binding.PairIndex is { } pair ? input.GetGetter<ReadOnlyMemory<char>>(binding.InputSchema[pair]) : null;
        _id = input.GetIdGetter();
        foreach (var index in activeInputs)
            _buffers[index] = RowValueBuffer.Create(input, binding.InputSchema[index], capacity);
        _texts = new string[capacity];
        _pairs = _pair is null ? null : new string[capacity];
        _ids = new DataViewRowId[capacity];
    }

    public override DataViewSchema Schema => _binding.OutputSchema;

    public override long Position => _position;

    public override long Batch => 0;

    public override bool MoveNext()
    {
        if (_index + 1 < _count)
        {
            _index++;
            _position++;
            return true;
        }
        if (_inputDone || !ReadBatch())
        {
            _index = -1;
            _count = 0;
            return false;
        }
        _index = 0;
        _position++;
        return true;
    }

    private bool ReadBatch()
    {
        _count = 0;
        ReadOnlyMemory<char> text = default;
        while (_count < _texts.Length && _input.MoveNext())
        {
            _text(ref text);
            _texts[_count] = text.ToString();
            if (_pair is not null)
            {
                _pair(ref text);
                _pairs![_count] = text.ToString();
            }
            _id(ref _ids[_count]);
            foreach (var buffer in _buffers.Values)
                buffer.Capture(_count);
            _count++;
        }
        _inputDone = _count < _texts.Length;
        if (_count == 0)
            return false;
        _outputs = _binding.Owner.Score(new ArraySegment<string>(_texts, 0, _count),
            _pairs is null ? null : (IReadOnlyList<string>)new ArraySegment<string>(_pairs, 0, _count));
        return true;
    }

    private int Slot => _index >= 0 ? _index : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId dst) => dst = _ids[Slot];

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        int added = _binding.AddedIndex(column);
        return added >= 0 ? _addedActive[added] : _buffers.ContainsKey(column.Index);
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int added = _binding.AddedIndex(column);
        if (added >= 0 && _addedActive[added])
            return _binding.AddedGetter<TValue>(added, () => _outputs[Slot]);
        if (added < 0 && _buffers.TryGetValue(column.Index, out var buffer))
            return buffer.MakeGetter(() => Slot) as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _input.Dispose();
        base.Dispose(disposing);
    }
}
