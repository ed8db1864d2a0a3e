using System.Globalization;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Writes JSON byte-for-byte like Python's <c>json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"</c>
/// for a string → int object: keys sorted by code point, <c>": "</c> and <c>",\n"</c> separators, only <c>"</c>,
/// <c>\</c> and control characters escaped.
/// </summary>
internal static class PythonJsonWriter
{
    public static void WriteSortedObject(TextWriter writer, IEnumerable<KeyValuePair<string, int>> entries)
    {
        var sorted = entries.ToList();
        sorted.Sort((x, y) => CompareCodePoints(x.Key, y.Key));
        if (sorted.Count == 0)
        {
            writer.Write("{}\n");
            return;
        }
        writer.Write("{\n");
        for (int i = 0; i < sorted.Count; i++)
        {
            writer.Write("  ");
            WriteString(writer, sorted[i].Key);
            writer.Write(": ");
            writer.Write(sorted[i].Value.ToString(CultureInfo.InvariantCulture));
            writer.Write(i + 1 < sorted.Count ? ",\n" : "\n");
        }
        writer.Write("}\n");
    }

    /// <summary>Orders strings by Unicode code point, as Python sorts <c>str</c> (UTF-16 ordinal order differs above U+FFFF).</summary>
    public static int CompareCodePoints(string x, string y)
    {
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            int a = CodePointAt(x, ref i), b = CodePointAt(y, ref j);
            if (a != b)
                return a.CompareTo(b);
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static int CodePointAt(string s, ref int index)
    {
        char c = s[index++];
        if (char.IsHighSurrogate(c) && index < s.Length && char.IsLowSurrogate(s[index]))
            return char.ConvertToUtf32(c, s[index++]);
        return c;
    }

    private static void WriteString(TextWriter writer, string value)
    {
        writer.Write('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': writer.Write("\\\""); break;
                case '\\': writer.Write("\\\\"); break;
                case '\n': writer.Write("\\n"); break;
                case '\r': writer.Write("\\r"); break;
                case '\t': writer.Write("\\t"); break;
                case '\b': writer.Write("\\b"); break;
                case '\f': writer.Write("\\f"); break;
                default:
                    bool loneSurrogate = char.IsSurrogate(c)
                        && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                        && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(value[i - 1]));
                    if (c < 0x20 || loneSurrogate)
                        writer.Write("\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        writer.Write(c);
                    break;
            }
        }
        writer.Write('"');
    }
}
