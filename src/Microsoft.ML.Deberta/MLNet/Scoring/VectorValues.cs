using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Getters for variable-length vector columns (one value per word, entity or answer), the building blocks of a
/// structured task's <see cref="IRowOutputColumns{TRow}"/>. Each getter reuses the caller's buffer, as ML.NET expects.
/// </summary>
internal static class VectorValues
{
    /// <summary>A variable-length vector type of <paramref name="itemType"/> (size 0 = any length per row).</summary>
    public static VectorDataViewType Of(PrimitiveDataViewType itemType) => new(itemType);

    /// <summary>Copies <paramref name="values"/> into <paramref name="dst"/> as a dense vector.</summary>
    public static void Write<T>(IReadOnlyList<T> values, ref VBuffer<T> dst)
    {
        var editor = VBufferEditor.Create(ref dst, values.Count);
        for (int i = 0; i < values.Count; i++)
            editor.Values[i] = values[i];
        dst = editor.Commit();
    }

    /// <summary>A getter of a vector column whose values <paramref name="select"/> takes from the current row's prediction.</summary>
    public static ValueGetter<VBuffer<T>> Getter<TRow, T>(Func<TRow> row, Func<TRow, IReadOnlyList<T>> select) =>
        (ref VBuffer<T> dst) => Write(select(row()), ref dst);

    /// <summary>A getter of a text vector column (ML.NET text is <c>ReadOnlyMemory&lt;char&gt;</c>).</summary>
    public static ValueGetter<VBuffer<ReadOnlyMemory<char>>> TextGetter<TRow>(Func<TRow> row, Func<TRow, IReadOnlyList<string>> select) =>
        (ref VBuffer<ReadOnlyMemory<char>> dst) =>
        {
            var texts = select(row());
            var editor = VBufferEditor.Create(ref dst, texts.Count);
            for (int i = 0; i < texts.Count; i++)
                editor.Values[i] = texts[i].AsMemory();
            dst = editor.Commit();
        };
}
