using System.Reflection;

namespace Microsoft.ML.Deberta.Serving;

/// <summary>
/// The length of a row's text: the characters of all its public string properties and fields (the text, a pair, a
/// question and its context). Rows sorted by it pad little when scored together, whatever the task's row class is.
/// </summary>
internal static class TextLength<TRow>
{
    private static readonly Func<TRow, string?>[] Readers = typeof(TRow)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(string) && p.CanRead && p.GetIndexParameters().Length == 0)
        .Select(p => (Func<TRow, string?>)(row => (string?)p.GetValue(row)))
        .Concat(typeof(TRow).GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => f.FieldType == typeof(string))
            .Select(f => (Func<TRow, string?>)(row => (string?)f.GetValue(row))))
        .ToArray();

    public static int Of(TRow row)
    {
        int length = 0;
        foreach (var read in Readers)
            length += read(row)?.Length ?? 0;
        return length;
    }
}
