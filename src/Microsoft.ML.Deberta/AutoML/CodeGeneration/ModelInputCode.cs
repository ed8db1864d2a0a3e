using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>C# for the <c>ModelInput</c> class of a schema: one property per column, with ML.NET's column attributes.</summary>
internal static class ModelInputCode
{
    /// <summary>The C# type of a scalar column; null for a column ModelInput cannot hold.</summary>
    public static string? TypeOf(DataViewType type) => type switch
    {
        TextDataViewType => "string",
        BooleanDataViewType => "bool",
        KeyDataViewType => "uint",
        _ when type == NumberDataViewType.Single => "float",
        _ when type == NumberDataViewType.Double => "double",
        _ when type == NumberDataViewType.Int32 => "int",
        _ when type == NumberDataViewType.Int64 => "long",
        _ => null,
    };

    /// <summary>A C# identifier for a column name: letters and digits, capitalised, unique among <paramref name="taken"/>.</summary>
    public static string PropertyName(string column, ISet<string> taken)
    {
        var name = new StringBuilder();
        bool upper = true;
        foreach (char c in column)
        {
            if (!char.IsLetterOrDigit(c)) { upper = true; continue; }
            name.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        if (name.Length == 0 || char.IsDigit(name[0])) name.Insert(0, "Column");
        var unique = name.ToString();
        for (int i = 2; !taken.Add(unique); i++) unique = $"{name}{i}";
        return unique;
    }

    public static string Class(DataViewSchema schema, out IReadOnlyDictionary<string, string> properties)
    {
        var code = new StringBuilder("    /// <summary>One row of input, with the training data's columns.</summary>\n    public class ModelInput\n    {\n");
        var names = new Dictionary<string, string>();
        var taken = new HashSet<string>(StringComparer.Ordinal) { "ModelInput", "ModelOutput" };
        foreach (var column in schema.Where(c => !c.IsHidden))
        {
            var type = TypeOf(column.Type) ?? throw new NotSupportedException(
                $"Column '{column.Name}' has type {column.Type}, which the generated ModelInput cannot hold; generate code for text and numeric columns.");
            var property = PropertyName(column.Name, taken);
            names[column.Name] = property;
            code.Append($"        [LoadColumn({column.Index})]\n        [ColumnName(@\"{column.Name.Replace("\"", "\"\"")}\")]\n")
                .Append($"        public {type} {property} {{ get; set; }}{(type == "string" ? " = \"\";" : "")}\n\n");
        }
        properties = names;
        return code.Append("    }\n").ToString();
    }
}
