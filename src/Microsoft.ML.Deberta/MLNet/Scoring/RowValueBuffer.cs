using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Holds one input column's values for the rows of a batch, so that a cursor can read rows ahead and still serve
/// each row's pass-through values later. Values are copied (text as new strings, vectors into own buffers),
/// because a source may reuse its buffers once its cursor moves.
/// </summary>
internal abstract class RowValueBuffer
{
    /// <summary>A buffer of <paramref name="capacity"/> slots for <paramref name="column"/> of <paramref name="row"/>.</summary>
    public static RowValueBuffer Create(DataViewRow row, DataViewSchema.Column column, int capacity)
    {
        var type = column.Type is VectorDataViewType vector
            ? typeof(VectorBuffer<>).MakeGenericType(vector.ItemType.RawType)
            : typeof(ScalarBuffer<>).MakeGenericType(column.Type.RawType);
        return (RowValueBuffer)Activator.CreateInstance(type, row, column, capacity)!;
    }

    /// <summary>Copies the row's current value into <paramref name="slot"/>.</summary>
    public abstract void Capture(int slot);

    /// <summary>A getter that serves the value stored in the slot <paramref name="slot"/> returns.</summary>
    public abstract Delegate MakeGetter(Func<int> slot);

    // Text may point into a buffer the source reuses: keep a string of our own. The typeof test is folded by the JIT.
    private static T CopyText<T>(T value) =>
        typeof(T) == typeof(ReadOnlyMemory<char>) ? (T)(object)((ReadOnlyMemory<char>)(object)value!).ToString().AsMemory() : value;

    private sealed class ScalarBuffer<T>(DataViewRow row, DataViewSchema.Column column, int capacity) : RowValueBuffer
    {
        private readonly ValueGetter<T> _getter = row.GetGetter<T>(column);
        private readonly T[] _values = new T[capacity];

        public override void Capture(int slot)
        {
            _getter(ref _values[slot]);
            _values[slot] = CopyText(_values[slot]);
        }

        public override Delegate MakeGetter(Func<int> slot) => (ValueGetter<T>)((ref T dst) => dst = _values[slot()]);
    }

    private sealed class VectorBuffer<T>(DataViewRow row, DataViewSchema.Column column, int capacity) : RowValueBuffer
    {
        private readonly ValueGetter<VBuffer<T>> _getter = row.GetGetter<VBuffer<T>>(column);
        private readonly VBuffer<T>[] _values = new VBuffer<T>[capacity];
        private VBuffer<T> _scratch;

        public override void Capture(int slot)
        {
            _getter(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
            if (typeof(T) != typeof(ReadOnlyMemory<char>))
                return;
            var editor = VBufferEditor.CreateFromBuffer(ref _values[slot]);
            for (int i = 0; i < editor.Values.Length; i++)
                editor.Values[i] = CopyText(editor.Values[i]);
        }

        public override Delegate MakeGetter(Func<int> slot) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) => _values[slot()].CopyTo(ref dst));
    }
}
