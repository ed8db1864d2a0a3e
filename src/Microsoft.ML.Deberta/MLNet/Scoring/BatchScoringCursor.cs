using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A cursor that reads up to <see cref="IRowScoring{TRow}.BatchSize"/> input rows ahead, copies their active
/// columns, scores them with one forward pass, then serves them one by one. Never scores row by row. Each input text
/// is read once (the text columns pass through from the copies made for scoring). Once <see cref="MoveNext"/> has
/// returned false, or a batch failed to score, the cursor is on no row (<see cref="Position"/> −1); after a failure
/// it refuses to go on rather than skip the failed rows.
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal sealed class BatchScoringCursor<TRow> : DataViewRowCursor
{
    private readonly ScoringBinding<TRow> _binding;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _addedActive;
    private readonly ValueGetter<ReadOnlyMemory<char>> _text;
    private readonly ValueGetter<ReadOnlyMemory<char>>? _pair;
    private readonly ValueGetter<DataViewRowId> _id;
    private readonly Dictionary<int, RowValueBuffer> _buffers = new();
    private readonly string[] _texts;
    private readonly string[]? _pairs;
    private readonly DataViewRowId[] _ids;
    private IReadOnlyList<TRow> _outputs = [];
    private int _count;
    private int _index = -1;
    private long _position = -1;
    private bool _inputDone;
    private Exception? _failure;

    public BatchScoringCursor(ScoringBinding<TRow> binding, DataViewRowCursor input, IEnumerable<int> activeInputs, bool[] addedActive)
    {
        _binding = binding;
        _input = input;
        _addedActive = addedActive;
        int capacity = binding.Owner.BatchSize;
        _text = input.GetGetter<ReadOnlyMemory<char>>(binding.InputSchema[binding.TextIndex]);
        _pair = binding.PairIndex is { } pair ? input.GetGetter<ReadOnlyMemory<char>>(binding.InputSchema[pair]) : null;
        _id = input.GetIdGetter();
        // The text columns are read once, into _texts and _pairs, and served from there.
        foreach (var index in activeInputs.Where(i => i != binding.TextIndex && i != binding.PairIndex))
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
        if (_failure is not null)
            throw new InvalidOperationException(
                $"An earlier batch of this cursor failed to score ({_failure.Message}); open a new cursor to read the rows again.", _failure);
        if (_index + 1 < _count)
        {
            _index++;
            _position++;
            return true;
        }
        bool read;
        try
        {
            read = !_inputDone && ReadBatch();
        }
        catch (Exception e)
        {
            _failure = e;
            LeaveRows();
            throw;
        }
        if (!read)
        {
            LeaveRows();
            return false;
        }
        _index = 0;
        _position++;
        return true;
    }

    // On no row: getters throw rather than serve a row that is gone, and Position is -1 as ML.NET's cursors have it.
    private void LeaveRows()
    {
        _index = -1;
        _count = 0;
        _outputs = [];
        _position = -1;
    }

    private bool ReadBatch()
    {
        _count = 0;
        _index = -1;
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
        _outputs = _binding.Owner.ScoreRows(new ArraySegment<string>(_texts, 0, _count),
            _pairs is null ? null : (IReadOnlyList<string>)new ArraySegment<string>(_pairs, 0, _count));
        return true;
    }

    private int Slot => _index >= 0 ? _index : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId dst) => dst = _ids[Slot];

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        int added = _binding.AddedIndex(column);
        return added >= 0 ? _addedActive[added] : _buffers.ContainsKey(column.Index) || TextsOf(column.Index) is not null;
    }

    // The copies of a text column read for scoring, or null for another column.
    private string[]? TextsOf(int inputIndex) =>
        inputIndex == _binding.TextIndex ? _texts : inputIndex == _binding.PairIndex ? _pairs : null;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int added = _binding.AddedIndex(column);
        if (added >= 0 && _addedActive[added])
            return _binding.AddedGetter<TValue>(added, () => _outputs[Slot]);
        if (added < 0 && TextsOf(column.Index) is { } texts)
            return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = texts[Slot].AsMemory()) as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
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
