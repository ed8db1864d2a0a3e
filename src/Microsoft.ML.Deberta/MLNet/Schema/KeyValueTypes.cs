using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The item types a label's KeyValues may have here, with the invariant text form used for slot names and for
/// the labels saved in a .zip. A closed list, so a saved model never holds a type it cannot read back.
/// </summary>
internal static class KeyValueTypes
{
    private sealed record Entry(string Name, PrimitiveDataViewType Type, Func<object, string> Format, Func<string, object> Parse);

    private static readonly Entry[] Entries =
    [
        new("Text", TextDataViewType.Instance, v => ((ReadOnlyMemory<char>)v).ToString(), s => s.AsMemory()),
        new("Boolean", BooleanDataViewType.Instance, v => (bool)v ? "True" : "False", s => bool.Parse(s)),
        new("Single", NumberDataViewType.Single, v => ((float)v).ToString("R", CultureInfo.InvariantCulture), s => float.Parse(s, CultureInfo.InvariantCulture)),
        new("Double", NumberDataViewType.Double, v => ((double)v).ToString("R", CultureInfo.InvariantCulture), s => double.Parse(s, CultureInfo.InvariantCulture)),
        new("SByte", NumberDataViewType.SByte, Invariant, s => sbyte.Parse(s, CultureInfo.InvariantCulture)),
        new("Byte", NumberDataViewType.Byte, Invariant, s => byte.Parse(s, CultureInfo.InvariantCulture)),
        new("Int16", NumberDataViewType.Int16, Invariant, s => short.Parse(s, CultureInfo.InvariantCulture)),
        new("UInt16", NumberDataViewType.UInt16, Invariant, s => ushort.Parse(s, CultureInfo.InvariantCulture)),
        new("Int32", NumberDataViewType.Int32, Invariant, s => int.Parse(s, CultureInfo.InvariantCulture)),
        new("UInt32", NumberDataViewType.UInt32, Invariant, s => uint.Parse(s, CultureInfo.InvariantCulture)),
        new("Int64", NumberDataViewType.Int64, Invariant, s => long.Parse(s, CultureInfo.InvariantCulture)),
        new("UInt64", NumberDataViewType.UInt64, Invariant, s => ulong.Parse(s, CultureInfo.InvariantCulture)),
    ];

    private static string Invariant(object v) => ((IFormattable)v).ToString(null, CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="type"/> is one of the supported item types.</summary>
    public static bool IsSupported(DataViewType type) => Entries.Any(e => e.Type.Equals(type));

    /// <summary>The stable name of a supported type ("Text", "Single", …).</summary>
    public static string NameOf(DataViewType type) => Find(e => e.Type.Equals(type), $"{type}").Name;

    /// <summary>The type with the given stable name.</summary>
    /// <exception cref="InvalidDataException">Unknown name.</exception>
    public static PrimitiveDataViewType FromName(string name) => Find(e => e.Name == name, name).Type;

    /// <summary>Formats one value of a supported type as invariant text.</summary>
    public static string Format(DataViewType type, object value) => Find(e => e.Type.Equals(type), $"{type}").Format(value);

    /// <summary>Parses invariant text back into a value of a supported type.</summary>
    public static object Parse(DataViewType type, string text) => Find(e => e.Type.Equals(type), $"{type}").Parse(text);

    private static Entry Find(Func<Entry, bool> match, string what) =>
        Entries.FirstOrDefault(match) ?? throw new InvalidDataException(
            $"Label values of type '{what}' are not supported; supported: {string.Join(", ", Entries.Select(e => e.Name))}.");
}
