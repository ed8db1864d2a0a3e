using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The columns a scoring transformer adds and how their values follow from a model's raw outputs (logits or a
/// value), per <see cref="PredictionKind"/>. Owns the ML.NET conventions: softmax probabilities with slot names,
/// key-typed predictions carrying the label's KeyValues, log-odds for binary scores. Immutable.
/// </summary>
internal sealed class PredictionColumns : IRowOutputColumns<float[]>
{
    private PredictionColumns(PredictionKind kind, OutputColumnNames names, int classCount, bool booleanLabel, LabelKeyValues? keyValues,
        ScoreActivation activation = ScoreActivation.Default, int featureSize = 0)
    {
        if (keyValues is not null && keyValues.Count != classCount)
            throw new ArgumentException($"{keyValues.Count} label values for {classCount} classes.", nameof(keyValues));
        Kind = kind;
        Names = names;
        ClassCount = classCount;
        BooleanLabel = booleanLabel;
        KeyValues = keyValues;
        Activation = activation;
        FeatureSize = featureSize;
    }

    /// <summary>How <c>Score</c> follows from the raw outputs (see <see cref="ScoreActivation"/>).</summary>
    public ScoreActivation Activation { get; }

    /// <summary>Features only: the length of the vector column.</summary>
    public int FeatureSize { get; }

    /// <summary>The output convention.</summary>
    public PredictionKind Kind { get; }

    /// <summary>The output column names.</summary>
    public OutputColumnNames Names { get; }

    /// <summary>Number of classes (2 for binary), 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Binary only: the label is Boolean, so PredictedLabel is Boolean rather than a key.</summary>
    public bool BooleanLabel { get; }

    /// <summary>The label's KeyValues (class names), or null when the label has none or is not a key.</summary>
    public LabelKeyValues? KeyValues { get; }

    /// <summary>Multiclass outputs for a key label with <paramref name="classCount"/> values: softmax across classes, or with <see cref="ScoreActivation.Sigmoid"/> a sigmoid per class (independent, multi-label scores).</summary>
    public static PredictionColumns Multiclass(OutputColumnNames names, int classCount, LabelKeyValues? keyValues,
        ScoreActivation activation = ScoreActivation.Default) =>
        classCount >= 2 || (classCount == 1 && activation == ScoreActivation.Sigmoid)
            ? new(PredictionKind.MulticlassClassification, names, classCount, false, keyValues, activation)
            : throw new ArgumentOutOfRangeException(nameof(classCount), "Classification needs at least 2 classes (1 with independent, sigmoid scores).");

    /// <summary>Binary outputs for a Boolean label, or for a key label with 2 values.</summary>
    public static PredictionColumns Binary(OutputColumnNames names, bool booleanLabel, LabelKeyValues? keyValues) =>
        new(PredictionKind.BinaryClassification, names, 2, booleanLabel, booleanLabel ? null : keyValues);

    /// <summary>Regression outputs: the value as it is, or its sigmoid with <see cref="ScoreActivation.Sigmoid"/> (a relevance probability from a logit).</summary>
    public static PredictionColumns Regression(OutputColumnNames names, ScoreActivation activation = ScoreActivation.Default) =>
        new(PredictionKind.Regression, names, 0, false, null, activation);

    /// <summary>One vector column of <paramref name="size"/> values, named <see cref="OutputColumnNames.Score"/>, holding the outputs as they are.</summary>
    public static PredictionColumns Features(OutputColumnNames names, int size) =>
        size >= 1 ? new(PredictionKind.Features, names, 0, false, null, ScoreActivation.Default, size)
            : throw new ArgumentOutOfRangeException(nameof(size), "A feature vector needs at least 1 value.");

    /// <summary>Classification or regression.</summary>
    public TextTask Task => Kind == PredictionKind.Regression ? TextTask.Regression : TextTask.Classification;

    /// <summary>Class names in class order: the label's KeyValues as text, "False"/"True" for a Boolean label, else null.</summary>
    public IReadOnlyList<string>? ClassNames => KeyValues?.Names ?? (BooleanLabel ? ["False", "True"] : null);

    /// <summary>True when a model with <paramref name="outputSize"/> raw outputs per row fits these columns.</summary>
    public bool AcceptsOutputSize(int outputSize) => Kind switch
    {
        PredictionKind.MulticlassClassification => outputSize == ClassCount,
        PredictionKind.BinaryClassification => outputSize is 1 or 2,
        PredictionKind.Features => outputSize == FeatureSize,
        _ => outputSize == 1,
    };

    /// <summary>Describes the accepted output sizes, for error messages.</summary>
    public string ExpectedOutputSize => Kind switch
    {
        PredictionKind.MulticlassClassification => $"{ClassCount} (one logit per class)",
        PredictionKind.BinaryClassification => "2 (one logit per class) or 1 (the positive class's log-odds)",
        PredictionKind.Features => $"{FeatureSize} (the feature vector)",
        _ => "1 (the predicted value)",
    };

    /// <summary>The added columns with their annotations, in the order <see cref="MakeGetter"/> indexes them.</summary>
    /// <param name="setId">The ScoreColumnSetId for this group of columns (see <see cref="ScoreAnnotations.NextScoreColumnSetId"/>).</param>
    public DataViewSchema.DetachedColumn[] CreateColumns(uint setId)
    {
        switch (Kind)
        {
            case PredictionKind.MulticlassClassification:
            {
                var score = new DataViewSchema.Annotations.Builder();
                ScoreAnnotations.AddScoreKinds(score, "MulticlassClassification", ScoreAnnotations.ScoreValue, setId);
                if (KeyValues is not null)
                    ScoreAnnotations.AddClassNames(score, KeyValues);
                return
                [
                    new(Names.PredictedLabel, new KeyDataViewType(typeof(uint), ClassCount), PredictedLabelAnnotations("MulticlassClassification", setId)),
                    new(Names.Score, new VectorDataViewType(NumberDataViewType.Single, ClassCount), score.ToAnnotations()),
                ];
            }
            case PredictionKind.BinaryClassification:
            {
                var score = new DataViewSchema.Annotations.Builder();
                ScoreAnnotations.AddScoreKinds(score, "BinaryClassification", ScoreAnnotations.ScoreValue, setId);
                var probability = new DataViewSchema.Annotations.Builder();
                ScoreAnnotations.AddScoreKinds(probability, "BinaryClassification", ScoreAnnotations.ProbabilityValue, setId);
                probability.Add(ScoreAnnotations.IsNormalized, BooleanDataViewType.Instance, (ref bool dst) => dst = true);
                DataViewType predictedType = BooleanLabel ? BooleanDataViewType.Instance : new KeyDataViewType(typeof(uint), 2);
                return
                [
                    new(Names.Score, NumberDataViewType.Single, score.ToAnnotations()),
                    new(Names.Probability, NumberDataViewType.Single, probability.ToAnnotations()),
                    new(Names.PredictedLabel, predictedType, PredictedLabelAnnotations("BinaryClassification", setId)),
                ];
            }
            case PredictionKind.Features:
                return [new(Names.Score, new VectorDataViewType(NumberDataViewType.Single, FeatureSize))];
            default:
            {
                var score = new DataViewSchema.Annotations.Builder();
                ScoreAnnotations.AddScoreKinds(score, "Regression", ScoreAnnotations.ScoreValue, setId);
                return [new(Names.Score, NumberDataViewType.Single, score.ToAnnotations())];
            }
        }
    }

    /// <summary>
    /// A getter for added column <paramref name="index"/> (order of <see cref="CreateColumns"/>) that computes its
    /// value from the current row's raw model outputs.
    /// </summary>
    public Delegate MakeGetter(int index, Func<float[]> outputs) => (Kind, index) switch
    {
        (PredictionKind.MulticlassClassification, 0) => (ValueGetter<uint>)((ref uint dst) => dst = ArgMaxKey(outputs())),
        (PredictionKind.MulticlassClassification, 1) when Activation == ScoreActivation.Sigmoid =>
            (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => SigmoidEach(outputs(), ref dst)),
        (PredictionKind.MulticlassClassification, 1) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => Softmax(outputs(), ref dst)),
        (PredictionKind.BinaryClassification, 0) => (ValueGetter<float>)((ref float dst) => dst = LogOdds(outputs())),
        (PredictionKind.BinaryClassification, 1) => (ValueGetter<float>)((ref float dst) => dst = Sigmoid(LogOdds(outputs()))),
        (PredictionKind.BinaryClassification, 2) when BooleanLabel => (ValueGetter<bool>)((ref bool dst) => dst = LogOdds(outputs()) > 0),
        (PredictionKind.BinaryClassification, 2) => (ValueGetter<uint>)((ref uint dst) => dst = BinaryKey(LogOdds(outputs()))),
        (PredictionKind.Regression, 0) when Activation == ScoreActivation.Sigmoid => (ValueGetter<float>)((ref float dst) => dst = Sigmoid(outputs()[0])),
        (PredictionKind.Regression, 0) => (ValueGetter<float>)((ref float dst) => dst = outputs()[0]),
        (PredictionKind.Features, 0) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => Copy(outputs(), ref dst)),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    private DataViewSchema.Annotations PredictedLabelAnnotations(string columnKind, uint setId)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        if (KeyValues is not null)
            ScoreAnnotations.AddKeyValues(builder, KeyValues);
        ScoreAnnotations.AddScoreKinds(builder, columnKind, ScoreAnnotations.PredictedLabelValue, setId);
        return builder.ToAnnotations();
    }

    // Two logits: the log-odds of class 1 is their difference; one logit already is the log-odds.
    private static float LogOdds(float[] outputs) => outputs.Length == 2 ? outputs[1] - outputs[0] : outputs[0];

    private static float Sigmoid(float logOdds) => (float)(1.0 / (1.0 + Math.Exp(-logOdds)));

    // Key 0 is ML.NET's missing value: the answer for a NaN score.
    private static uint BinaryKey(float logOdds) => float.IsNaN(logOdds) ? 0u : logOdds > 0 ? 2u : 1u;

    private static uint ArgMaxKey(float[] logits)
    {
        int best = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (float.IsNaN(logits[i]))
                return 0;
            if (logits[i] > logits[best])
                best = i;
        }
        return (uint)best + 1;
    }

    private static void SigmoidEach(float[] logOdds, ref VBuffer<float> dst)
    {
        var editor = VBufferEditor.Create(ref dst, logOdds.Length);
        for (int i = 0; i < logOdds.Length; i++)
            editor.Values[i] = Sigmoid(logOdds[i]);
        dst = editor.Commit();
    }

    private static void Copy(float[] values, ref VBuffer<float> dst)
    {
        var editor = VBufferEditor.Create(ref dst, values.Length);
        values.CopyTo(editor.Values);
        dst = editor.Commit();
    }

    private static void Softmax(float[] logits, ref VBuffer<float> dst)
    {
        var editor = VBufferEditor.Create(ref dst, logits.Length);
        double max = double.NegativeInfinity;
        foreach (var l in logits)
            max = Math.Max(max, l);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
            sum += Math.Exp(logits[i] - max);
        for (int i = 0; i < logits.Length; i++)
            editor.Values[i] = (float)(Math.Exp(logits[i] - max) / sum);
        dst = editor.Commit();
    }
}
