using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The column checks of the ML.NET layer, for a full schema (Fit, Transform) and for a schema shape
/// (GetOutputSchema), so that both fail alike, early, with a message naming the column and the fix.
/// Failures throw <see cref="ArgumentOutOfRangeException"/>, as ML.NET does for schema mismatches.
/// </summary>
internal static class ColumnRules
{
    private const string Param = "inputSchema";

    /// <summary>Checks that <paramref name="name"/> is a scalar text column and returns its index.</summary>
    public static int RequireText(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw Missing(name, role, schema.Where(c => !c.IsHidden).Select(c => c.Name));
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(Param,
                $"The {role} column '{name}' has type {column.Type}; a DeBERTa text model needs a String (text) column.");
        return column.Index;
    }

    /// <summary>Shape version of <see cref="RequireText(DataViewSchema, string, string)"/>.</summary>
    public static void RequireText(SchemaShape shape, string name, string role)
    {
        var column = SchemaShapes.Find(shape, name) ?? throw Missing(name, role, shape.Select(c => c.Name));
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.IsKey || column.ItemType is not TextDataViewType)
            throw new ArgumentOutOfRangeException(Param,
                $"The {role} column '{name}' has type {SchemaShapes.Describe(column)}; a DeBERTa text model needs a String (text) column.");
    }

    /// <summary>Checks the text column and, for a pair model, the second text column.</summary>
    public static void RequireText(DataViewSchema schema, TextColumns columns)
    {
        RequireText(schema, columns.Text, "text");
        if (columns.Pair is { } pair)
            RequireText(schema, pair, "second text");
    }

    /// <summary>Shape version of <see cref="RequireText(DataViewSchema, TextColumns)"/>.</summary>
    public static void RequireText(SchemaShape shape, TextColumns columns)
    {
        RequireText(shape, columns.Text, "text");
        if (columns.Pair is { } pair)
            RequireText(shape, pair, "second text");
    }

    /// <summary>
    /// Checks the label column for <paramref name="task"/> and returns the prediction columns it implies: a Boolean
    /// label gives binary outputs; a key label multiclass outputs, or binary ones when <paramref name="binaryLayout"/>
    /// (then the key must have 2 values); a Single label regression outputs.
    /// </summary>
    public static PredictionColumns ForLabel(DataViewSchema schema, string label, TextTask task, OutputColumnNames names, bool binaryLayout)
    {
        var column = schema.GetColumnOrNull(label)
            ?? throw Missing(label, "label", schema.Where(c => !c.IsHidden).Select(c => c.Name));
        var type = column.Type;
        if (task == TextTask.Regression)
            return type == NumberDataViewType.Single ? PredictionColumns.Regression(names) : throw NotRegressionLabel(label, $"{type}");
        if (type is BooleanDataViewType)
            return PredictionColumns.Binary(names, booleanLabel: true, keyValues: null);
        if (type is not KeyDataViewType key)
            throw NotClassLabel(label, $"{type}");
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException(Param,
                $"The label column '{label}' is a key with {key.Count} value(s); classification needs at least 2 classes.");
        var values = LabelKeyValues.FromColumn(column);
        if (!binaryLayout)
            return PredictionColumns.Multiclass(names, (int)key.Count, values);
        return key.Count == 2 ? PredictionColumns.Binary(names, booleanLabel: false, values)
            : throw new ArgumentOutOfRangeException(Param,
                $"Binary outputs were asked for, but the label column '{label}' is a key with {key.Count} values, not 2.");
    }

    /// <summary>
    /// Shape version of <see cref="ForLabel(DataViewSchema, string, TextTask, OutputColumnNames, bool)"/>. Shapes carry
    /// no key counts or values, so the result holds placeholders with the right types (shapes need no more).
    /// </summary>
    public static PredictionColumns ForLabel(SchemaShape shape, string label, TextTask task, OutputColumnNames names, bool binaryLayout)
    {
        var column = SchemaShapes.Find(shape, label) ?? throw Missing(label, "label", shape.Select(c => c.Name));
        var c = column;
        var described = SchemaShapes.Describe(c);
        bool scalar = c.Kind == SchemaShape.Column.VectorKind.Scalar;
        if (task == TextTask.Regression)
            return scalar && !c.IsKey && c.ItemType == NumberDataViewType.Single
                ? PredictionColumns.Regression(names) : throw NotRegressionLabel(label, described);
        if (scalar && !c.IsKey && c.ItemType is BooleanDataViewType)
            return PredictionColumns.Binary(names, booleanLabel: true, keyValues: null);
        if (!scalar || !c.IsKey)
            throw NotClassLabel(label, described);
        LabelKeyValues? values = null;
        foreach (var annotation in c.Annotations)
            if (annotation.Name == ScoreAnnotations.KeyValues && annotation.ItemType is PrimitiveDataViewType itemType)
                values = LabelKeyValues.Placeholder(itemType, 2);
        return binaryLayout ? PredictionColumns.Binary(names, booleanLabel: false, values) : PredictionColumns.Multiclass(names, 2, values);
    }

    private static ArgumentOutOfRangeException Missing(string name, string role, IEnumerable<string> available) =>
        new(Param, $"The {role} column '{name}' was not found in the input data; its columns are: {string.Join(", ", available)}.");

    private static ArgumentOutOfRangeException NotClassLabel(string label, string type) =>
        new(Param, $"The label column '{label}' has type {type}; text classification needs a key label (add " +
            $"mlContext.Transforms.Conversion.MapValueToKey(\"{label}\") before this step) or a Boolean label.");

    private static ArgumentOutOfRangeException NotRegressionLabel(string label, string type) =>
        new(Param, $"The label column '{label}' has type {type}; text regression needs a Single label (add " +
            $"mlContext.Transforms.Conversion.ConvertType(\"{label}\", outputKind: DataKind.Single) before this step).");
}
