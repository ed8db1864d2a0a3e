using System.Reflection;

namespace Microsoft.ML.Deberta.Tests.PublicApi;

/// <summary>
/// The library's public surface as text lines: one per public type, then one per member a user can reach (public or
/// protected, declared on that type), indented: the kind and modifiers, the name and the signature with parameter defaults.
/// Compiler-generated names (record clones, C# 14 extension markers) are left out.
/// </summary>
internal static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                          BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Types in order of their full names, each one's line followed by its members' lines in ordinal order.</summary>
    public static IReadOnlyList<string> Of(Assembly assembly) =>
        [.. assembly.GetExportedTypes().Where(t => !IsGenerated(t.Name)).OrderBy(TypeNames.Of, StringComparer.Ordinal)
            .SelectMany(t => MemberLines(t).Distinct().Order(StringComparer.Ordinal).Prepend($"{TypeKind(t)} {TypeNames.Of(t)}{BaseList(t)}"))];

    private static IEnumerable<string> MemberLines(Type type)
    {
        string name = TypeNames.Of(type);
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
                yield return $"  {name}.{field.Name} = {Convert.ToInt64(field.GetRawConstantValue())}";
            yield break;
        }
        var accessors = type.GetProperties(Declared).SelectMany(p => p.GetAccessors(nonPublic: true))
            .Concat(type.GetEvents(Declared).SelectMany(e => new[] { e.AddMethod, e.RemoveMethod }))
            .ToHashSet();
        foreach (var member in type.GetMembers(Declared))
        {
            if (IsGenerated(member.Name) || member.Name == "EqualityContract") continue;
            string? line = member switch
            {
                ConstructorInfo c when Visible(c) => $"{Prefix(c)}{name}({Parameters(c)})",
                MethodInfo m when Visible(m) && !accessors.Contains(m) =>
                    $"{Prefix(m)}{name}.{m.Name}{Generics(m)}({Parameters(m)}) -> {TypeNames.Of(m.ReturnType)}",
                PropertyInfo p when p.GetAccessors(nonPublic: true).Any(Visible) =>
                    $"{Prefix(p.GetAccessors(nonPublic: true).First(Visible))}{name}.{p.Name}{Indexer(p)} : {TypeNames.Of(p.PropertyType)} {{ {Accessors(p)} }}",
                FieldInfo f when Visible(f) => $"{FieldPrefix(f)}{name}.{f.Name} : {TypeNames.Of(f.FieldType)}{Constant(f)}",
                EventInfo e when e.AddMethod is { } add && Visible(add) => $"{Prefix(add)}event {name}.{e.Name} : {TypeNames.Of(e.EventHandlerType!)}",
                _ => null,
            };
            if (line is not null) yield return "  " + line;
        }
    }

    private static bool IsGenerated(string name) => name.Contains('<') || name.Contains('$');

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static bool Visible(FieldInfo f) => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly;

    private static string TypeKind(Type t) =>
        t.IsInterface ? "interface"
        : t.IsEnum ? "enum"
        : t.IsValueType ? (t.GetMethod("<Clone>$") is null && t.GetProperty("EqualityContract", Declared) is null ? "struct" : "record struct")
        : typeof(Delegate).IsAssignableFrom(t) ? "delegate"
        : (t.IsAbstract && t.IsSealed ? "static " : t.IsAbstract ? "abstract " : t.IsSealed ? "sealed " : "") +
          (t.GetMethod("<Clone>$") is not null ? "record" : "class");

    private static string BaseList(Type t)
    {
        if (t.IsEnum || t.IsInterface && t.GetInterfaces().Length == 0) return "";
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType)) bases.Add(TypeNames.Of(b));
        bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(TypeNames.Of).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Prefix(MethodBase m)
    {
        string access = m.IsPublic ? "" : "protected ";
        if (m.IsStatic) return access + "static ";
        if (m.IsAbstract) return access + "abstract ";
        if (m is MethodInfo mi && m.IsVirtual && !m.IsFinal)
            return access + (mi.GetBaseDefinition().DeclaringType != mi.DeclaringType ? "override " : "virtual ");
        return access;
    }

    private static string FieldPrefix(FieldInfo f) =>
        (f.IsPublic ? "" : "protected ") + (f.IsLiteral ? "const " : f.IsStatic ? "static " : "") + (f.IsInitOnly ? "readonly " : "");

    private static string Constant(FieldInfo f) => f.IsLiteral ? $" = {Literal(f.GetRawConstantValue())}" : "";

    private static string Generics(MethodInfo m) =>
        m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Indexer(PropertyInfo p)
    {
        var index = p.GetIndexParameters();
        return index.Length == 0 ? "" : "[" + string.Join(", ", index.Select(Parameter)) + "]";
    }

    private static string Accessors(PropertyInfo p)
    {
        var parts = new List<string>();
        if (p.GetMethod is { } get && Visible(get)) parts.Add((get.IsPublic ? "" : "protected ") + "get;");
        if (p.SetMethod is { } set && Visible(set))
        {
            bool init = set.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
            parts.Add((set.IsPublic ? "" : "protected ") + (init ? "init;" : "set;"));
        }
        return string.Join(" ", parts);
    }

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(Parameter));

    private static string Parameter(ParameterInfo p)
    {
        string type = p.ParameterType.IsByRef
            ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") + TypeNames.Of(p.ParameterType.GetElementType()!)
            : (p.GetCustomAttribute<ParamArrayAttribute>() is not null ? "params " : "") + TypeNames.Of(p.ParameterType);
        return $"{type} {p.Name}" + (p.HasDefaultValue ? " = " + Literal(p.RawDefaultValue) : "");
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
