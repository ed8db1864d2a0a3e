using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Checks a <see cref="DebertaPrecision"/> setting when an estimator is created, and maps it to and from the saved payloads' field.</summary>
internal static class PrecisionRules
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> when <paramref name="precision"/> is not a defined value.</summary>
    public static void Check(DebertaPrecision precision, string name, string method)
    {
        if (!Enum.IsDefined(precision))
            throw new ArgumentOutOfRangeException(name, precision, $"{method}: {name} must be Float32 or BFloat16.");
    }

    /// <summary>
    /// What a payload's <c>inference_precision</c> field holds for <paramref name="precision"/>: null for float32, so
    /// that a float32 payload reads as it did before the field existed.
    /// </summary>
    public static DebertaPrecision? Saved(DebertaPrecision precision) => precision == DebertaPrecision.Float32 ? null : precision;

    /// <summary>What a payload's <c>inference_precision</c> field holds for <paramref name="model"/> (see <see cref="Saved(DebertaPrecision)"/>).</summary>
    public static DebertaPrecision? Saved(DebertaPreTrainedModel model) => Saved(model.Precision);

    /// <summary>The precision a payload's <c>inference_precision</c> field asks for: float32 when it is absent.</summary>
    public static DebertaPrecision FromSaved(DebertaPrecision? saved) => saved ?? DebertaPrecision.Float32;

    /// <summary>Whether a payload's <c>inference_precision</c> field is absent or a defined value (JSON integers parse to any value).</summary>
    public static bool IsValidSaved(DebertaPrecision? precision) => precision is not { } p || Enum.IsDefined(p);
}
