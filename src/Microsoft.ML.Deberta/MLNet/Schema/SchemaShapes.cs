using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Builds <see cref="SchemaShape"/>s from public API only. ML.NET keeps <c>SchemaShape.Create</c> and the column
/// constructor internal; a trivial data loader appended with an empty estimator chain makes ML.NET run its own
/// <c>SchemaShape.Create</c> (keys, vector kinds and annotation shapes included) and hand back the result.
/// </summary>
internal static class SchemaShapes
{
    /// <summary>The shape of <paramref name="schema"/>, exactly as ML.NET itself would compute it (hidden columns left out).</summary>
    public static SchemaShape FromSchema(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new SchemaOnlyLoader(schema).Append(new EstimatorChain<ITransformer>()).GetOutputSchema();
    }

    /// <summary>The shape of <paramref name="columns"/> (their annotations included).</summary>
    public static SchemaShape FromColumns(IEnumerable<DataViewSchema.DetachedColumn> columns)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(columns);
        return FromSchema(builder.ToSchema());
    }

    /// <summary><paramref name="input"/> with <paramref name="added"/> appended; an added column replaces an input column of the same name.</summary>
    public static SchemaShape Append(SchemaShape input, SchemaShape added)
    {
        var names = new HashSet<string>(added.Select(c => c.Name), StringComparer.Ordinal);
        return new SchemaShape(input.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    /// <summary>The column called <paramref name="name"/>, or null (ML.NET's TryFindColumn is internal).</summary>
    public static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        foreach (var column in shape)
            if (column.Name == name)
                return column;
        return null;
    }

    /// <summary>The column's type as ML.NET users read it, e.g. <c>Key&lt;UInt32&gt;</c> or <c>Vector&lt;String&gt;</c>.</summary>
    public static string Describe(SchemaShape.Column column)
    {
        var item = column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => item,
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            _ => $"VarVector<{item}>",
        };
    }

    /// <summary>A loader that loads nothing and only reports a schema; ML.NET turns its schema into a shape.</summary>
    private sealed class SchemaOnlyLoader(DataViewSchema schema) : IDataLoader<int>
    {
        public DataViewSchema GetOutputSchema() => schema;

        public IDataView Load(int input) => throw new NotSupportedException("This loader only describes a schema.");

        void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException("This loader only describes a schema.");
    }
}
