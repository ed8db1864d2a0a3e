using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Checks NER's label column, for a schema (Fit) and a shape (GetOutputSchema): a vector of keys, one per word, whose
/// key values name the tags (<c>MapValueToKey</c> over a vector of tag strings gives exactly that).
/// </summary>
internal static class WordLabelColumn
{
    private const string Param = "inputSchema";

    /// <summary>The label's tags in key order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, not a vector of keys, or has no key values.</exception>
    public static LabelKeyValues Require(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(Param,
            $"The label column '{name}' was not found in the input data; its columns are: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key } || key.Count < 2 || key.Count > int.MaxValue)
            throw NotWordKeys(name, $"{column.Type}");
        return LabelKeyValues.FromColumn(column) ?? throw new ArgumentOutOfRangeException(Param,
            $"The label column '{name}' has no key values, so the tags have no names (B-/I- prefixes decide the entities). " +
            $"Make it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\") over the tag strings.");
    }

    /// <summary>Shape version: a placeholder with the key values' type (shapes carry no counts or values).</summary>
    public static LabelKeyValues Require(SchemaShape shape, string name)
    {
        var column = SchemaShapes.Find(shape, name) ?? throw new ArgumentOutOfRangeException(Param,
            $"The label column '{name}' was not found in the input data; its columns are: {string.Join(", ", shape.Select(c => c.Name))}.");
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || !column.IsKey)
            throw NotWordKeys(name, SchemaShapes.Describe(column));
        foreach (var annotation in column.Annotations)
            if (annotation.Name == ScoreAnnotations.KeyValues && annotation.ItemType is PrimitiveDataViewType itemType)
                return LabelKeyValues.Placeholder(itemType, 2);
        throw new ArgumentOutOfRangeException(Param, $"The label column '{name}' has no key values; make it with MapValueToKey over the tag strings.");
    }

    private static ArgumentOutOfRangeException NotWordKeys(string name, string type) =>
        new(Param, $"The label column '{name}' has type {type}; NER needs one key per word (a vector of keys, at least 2 tags): " +
            $"split the tags into a vector (e.g. TokenizeIntoWords) and add mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").");
}
