using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The annotation names and values ML.NET's evaluators and Model Builder read on prediction columns. ML.NET keeps
/// its constants (<c>AnnotationUtils</c>) internal, so the literals are repeated here, once.
/// </summary>
internal static class ScoreAnnotations
{
    public const string ScoreColumnKind = "ScoreColumnKind";
    public const string ScoreValueKind = "ScoreValueKind";
    public const string ScoreColumnSetId = "ScoreColumnSetId";
    public const string SlotNames = "SlotNames";
    public const string KeyValues = "KeyValues";
    public const string TrainingLabelValues = "TrainingLabelValues";
    public const string IsNormalized = "IsNormalized";

    public const string ScoreValue = "Score";
    public const string ProbabilityValue = "Probability";
    public const string PredictedLabelValue = "PredictedLabel";

    /// <summary>ML.NET's type for ScoreColumnSetId: Key&lt;UInt32&gt; with count int.MaxValue.</summary>
    public static KeyDataViewType ScoreColumnSetIdType { get; } = new(typeof(uint), int.MaxValue);

    /// <summary>The next free score column set id of a schema: 1 + the largest one already present (as ML.NET's trainers do).</summary>
    public static uint NextScoreColumnSetId(DataViewSchema schema)
    {
        uint max = 0;
        foreach (var column in schema)
        {
            var type = column.Annotations.Schema.GetColumnOrNull(ScoreColumnSetId)?.Type;
            if (type is not KeyDataViewType || type.RawType != typeof(uint))
                continue;
            uint value = 0;
            column.Annotations.GetValue(ScoreColumnSetId, ref value);
            max = Math.Max(max, value);
        }
        return checked(max + 1);
    }

    /// <summary>Adds ScoreColumnKind, ScoreValueKind and ScoreColumnSetId.</summary>
    public static void AddScoreKinds(DataViewSchema.Annotations.Builder builder, string columnKind, string valueKind, uint setId)
    {
        AddText(builder, ScoreColumnKind, columnKind);
        AddText(builder, ScoreValueKind, valueKind);
        builder.Add(ScoreColumnSetId, ScoreColumnSetIdType, (ref uint dst) => dst = setId);
    }

    /// <summary>Adds KeyValues (for a key column, so MapKeyToValue works).</summary>
    public static void AddKeyValues(DataViewSchema.Annotations.Builder builder, LabelKeyValues values) =>
        builder.Add(KeyValues, values.VectorType, values.ValuesGetter());

    /// <summary>
    /// Adds TrainingLabelValues, and SlotNames (class names, read by the multiclass evaluator) when the label's values
    /// are text: ML.NET's own multiclass trainers attach SlotNames only then (<c>CanWrapSlotNames</c>).
    /// </summary>
    public static void AddClassNames(DataViewSchema.Annotations.Builder builder, LabelKeyValues values)
    {
        if (values.ItemType is TextDataViewType)
            builder.Add(SlotNames, new VectorDataViewType(TextDataViewType.Instance, values.Count), values.NamesGetter());
        builder.Add(TrainingLabelValues, values.VectorType, values.ValuesGetter());
    }

    private static void AddText(DataViewSchema.Annotations.Builder builder, string kind, string value)
    {
        var memory = value.AsMemory();
        builder.Add(kind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> dst) => dst = memory);
    }
}
