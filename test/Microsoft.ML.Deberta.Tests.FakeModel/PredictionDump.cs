using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// Writes the prediction columns of a scored view as exact text (floats as their bits), one line per row, so a
/// parent and a child process can compare predictions for equality.
/// </summary>
public static class PredictionDump
{
    public static List<string> Lines(IDataView scored, params string[] columns)
    {
        var cols = columns.Select(c => scored.Schema[c]).ToArray();
        var lines = new List<string>();
        using var cursor = scored.GetRowCursor(cols);
        var getters = cols.Select(c => Getter(cursor, c)).ToArray();
        while (cursor.MoveNext())
            lines.Add(string.Join("\t", getters.Select(g => g())));
        return lines;
    }

    private static Func<string> Getter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is VectorDataViewType { ItemType: NumberDataViewType } v && v.ItemType.RawType == typeof(float))
        {
            var g = cursor.GetGetter<VBuffer<float>>(column);
            return () => { VBuffer<float> b = default; g(ref b); return string.Join(",", b.DenseValues().Select(Bits)); };
        }
        if (type is VectorDataViewType { ItemType: NumberDataViewType } l && l.ItemType.RawType == typeof(long))
        {
            var g = cursor.GetGetter<VBuffer<long>>(column);
            return () => { VBuffer<long> b = default; g(ref b); return string.Join(",", b.DenseValues().Select(v => v.ToString(CultureInfo.InvariantCulture))); };
        }
        if (type is VectorDataViewType { ItemType: var item } && item.RawType == typeof(uint))
        {
            var g = cursor.GetGetter<VBuffer<uint>>(column);
            return () => { VBuffer<uint> b = default; g(ref b); return string.Join(",", b.DenseValues()); };
        }
        if (type is VectorDataViewType { ItemType: var ints } && ints.RawType == typeof(int))
        {
            var g = cursor.GetGetter<VBuffer<int>>(column);
            return () => { VBuffer<int> b = default; g(ref b); return string.Join(",", b.DenseValues()); };
        }
        if (type is VectorDataViewType { ItemType: TextDataViewType })
        {
            var g = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            return () => { VBuffer<ReadOnlyMemory<char>> b = default; g(ref b); return string.Join("|", b.DenseValues()); };
        }
        if (type.RawType == typeof(float))
        {
            var g = cursor.GetGetter<float>(column);
            return () => { float f = 0; g(ref f); return Bits(f); };
        }
        if (type.RawType == typeof(uint))
        {
            var g = cursor.GetGetter<uint>(column);
            return () => { uint u = 0; g(ref u); return u.ToString(CultureInfo.InvariantCulture); };
        }
        if (type.RawType == typeof(int))
        {
            var g = cursor.GetGetter<int>(column);
            return () => { int i = 0; g(ref i); return i.ToString(CultureInfo.InvariantCulture); };
        }
        if (type.RawType == typeof(bool))
        {
            var g = cursor.GetGetter<bool>(column);
            return () => { bool b = false; g(ref b); return b ? "true" : "false"; };
        }
        if (type.RawType == typeof(ReadOnlyMemory<char>))
        {
            var g = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            return () => { ReadOnlyMemory<char> m = default; g(ref m); return m.ToString(); };
        }
        throw new NotSupportedException($"{column.Name}: {type}");
    }

    private static string Bits(float f) => BitConverter.SingleToInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture);
}
