using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The KeyValues of a key-typed label (the class names MapValueToKey recorded), kept with their original item
/// type so that <c>MapKeyToValue</c> after a prediction gives back the label's own values. Immutable.
/// </summary>
internal sealed class LabelKeyValues
{
    private const string KeyValuesKind = "KeyValues";
    private readonly Array? _values; // T[] of ItemType.RawType; null for a shape-only placeholder

    private LabelKeyValues(PrimitiveDataViewType itemType, int count, Array? values, string[]? names)
    {
        ItemType = itemType;
        Count = count;
        _values = values;
        Names = names ?? [];
    }

    /// <summary>The item type of the values (Text, Single, Int32, …).</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The number of values, equal to the key count.</summary>
    public int Count { get; }

    /// <summary>The values as invariant text, in key order (key 1 first); empty for a placeholder.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The annotation type: a known-size vector of <see cref="ItemType"/>.</summary>
    public VectorDataViewType VectorType => new(ItemType, Count);

    /// <summary>Reads the KeyValues annotation of a key column; null when it has none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The values have an unsupported type or a length other than the key count.</exception>
    public static LabelKeyValues? FromColumn(DataViewSchema.Column column)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(KeyValuesKind);
        if (annotation is null)
            return null;
        // A key column or a vector of keys (NER's one key per word): the annotation describes the item key.
        var keyCount = (column.Type is VectorDataViewType vector ? vector.ItemType : column.Type) is KeyDataViewType key ? (int)key.Count : 0;
        if (annotation.Value.Type is not VectorDataViewType { ItemType: PrimitiveDataViewType itemType } vectorType
            || !KeyValueTypes.IsSupported(itemType))
            throw new ArgumentOutOfRangeException(nameof(column),
                $"Label column '{column.Name}' has KeyValues of type {annotation.Value.Type}, which cannot be saved with the model; " +
                "map the label from text or numbers (MapValueToKey) instead.");
        if (vectorType.Size != keyCount)
            throw new ArgumentOutOfRangeException(nameof(column),
                $"Label column '{column.Name}' is a key with {keyCount} values but its KeyValues annotation has {vectorType.Size}.");
        var read = typeof(LabelKeyValues).GetMethod(nameof(ReadValues), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(itemType.RawType);
        var values = (Array)read.Invoke(null, [column])!;
        return new LabelKeyValues(itemType, keyCount, values, FormatAll(itemType, values));
    }

    /// <summary>Rebuilds values saved as invariant text (see <see cref="Names"/>).</summary>
    public static LabelKeyValues FromText(PrimitiveDataViewType itemType, IReadOnlyList<string> names)
    {
        var values = Array.CreateInstance(itemType.RawType, names.Count);
        for (int i = 0; i < names.Count; i++)
            values.SetValue(KeyValueTypes.Parse(itemType, names[i]), i);
        return new LabelKeyValues(itemType, names.Count, values, FormatAll(itemType, values));
    }

    /// <summary>A stand-in with the right type but no values, for schema shapes (which record types only).</summary>
    public static LabelKeyValues Placeholder(PrimitiveDataViewType itemType, int count) => new(itemType, count, null, null);

    /// <summary>True when both hold the same type and values.</summary>
    public bool SameAs(LabelKeyValues other) =>
        ItemType.Equals(other.ItemType) && Names.SequenceEqual(other.Names, StringComparer.Ordinal);

    /// <summary>A getter of the values as a VBuffer of <see cref="ItemType"/> (for KeyValues / TrainingLabelValues).</summary>
    public Delegate ValuesGetter()
    {
        var make = typeof(LabelKeyValues).GetMethod(nameof(MakeValuesGetter), BindingFlags.NonPublic | BindingFlags.Instance)!
            .MakeGenericMethod(ItemType.RawType);
        return (Delegate)make.Invoke(this, null)!;
    }

    /// <summary>A getter of the values as text (for SlotNames, which evaluators read as class names).</summary>
    public ValueGetter<VBuffer<ReadOnlyMemory<char>>> NamesGetter()
    {
        var names = Names.Select(n => n.AsMemory()).ToArray();
        return (ref VBuffer<ReadOnlyMemory<char>> dst) => Fill(names, ref dst, Count);
    }

    private ValueGetter<VBuffer<T>> MakeValuesGetter<T>()
    {
        var values = (T[]?)_values;
        return (ref VBuffer<T> dst) =>
        {
            if (values is null)
                throw new InvalidOperationException("Placeholder key values have no values; they only describe a schema shape.");
            Fill(values, ref dst, Count);
        };
    }

    private static void Fill<T>(T[]? values, ref VBuffer<T> dst, int count)
    {
        var editor = VBufferEditor.Create(ref dst, count);
        values.AsSpan().CopyTo(editor.Values);
        dst = editor.Commit();
    }

    private static T[] ReadValues<T>(DataViewSchema.Column column)
    {
        var buffer = default(VBuffer<T>);
        column.Annotations.GetValue(KeyValuesKind, ref buffer);
        return buffer.DenseValues().ToArray();
    }

    private static string[] FormatAll(PrimitiveDataViewType itemType, Array values)
    {
        var names = new string[values.Length];
        for (int i = 0; i < names.Length; i++)
            names[i] = KeyValueTypes.Format(itemType, values.GetValue(i)!);
        return names;
    }
}
