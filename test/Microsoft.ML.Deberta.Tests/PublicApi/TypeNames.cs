namespace Microsoft.ML.Deberta.Tests.PublicApi;

/// <summary>C#-like names of types for the public API listing: <c>IReadOnlyList&lt;String&gt;</c>, <c>Int32[]</c>, <c>Single?</c>.</summary>
internal static class TypeNames
{
    public static string Of(Type type)
    {
        if (type.IsGenericParameter) return type.Name;
        if (type.IsArray) return Of(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (type.IsByRef || type.IsPointer) return Of(type.GetElementType()!) + (type.IsPointer ? "*" : "&");
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Of(underlying) + "?";
        string name = type.IsNested ? Of(type.DeclaringType!) + "." + Plain(type.Name) : Qualified(type);
        if (!type.IsGenericType) return name;
        var arguments = type.GetGenericArguments();
        // A nested type's generic arguments include its declaring type's; show only its own.
        int inherited = type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0;
        var own = arguments.Skip(inherited).ToArray();
        return own.Length == 0 ? name : name + "<" + string.Join(", ", own.Select(Of)) + ">";
    }

    // Types of this library by full name; everything else by its short name, which is what a reader recognises.
    private static string Qualified(Type type) =>
        type.Assembly == typeof(DebertaModelIO).Assembly ? (type.Namespace + "." + Plain(type.Name)) : Plain(type.Name);

    private static string Plain(string name) => name.Contains('`') ? name[..name.IndexOf('`')] : name;
}
