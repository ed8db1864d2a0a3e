using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// The experiment's data, checked and prepared once before the first trial: columns present and typed right, the
/// validation rows (given, or split off with the seed), and the label preparation every trial's model starts with
/// (<c>MapValueToKey</c> by value for classes, <c>ConvertType</c> to Single for numbers), fitted on the training rows.
/// </summary>
internal sealed class ExperimentData
{
    private ExperimentData(ITransformer labelPreparation, IDataView train, IDataView validation, IDataView rawValidation, IReadOnlyList<string>? classNames)
    {
        RawValidation = rawValidation;
        LabelPreparation = labelPreparation;
        Train = train;
        Validation = validation;
        ClassNames = classNames;
    }

    /// <summary>Maps or converts the label; the first step of every trial's model.</summary>
    public ITransformer LabelPreparation { get; }

    /// <summary>Training rows, label prepared.</summary>
    public IDataView Train { get; }

    /// <summary>Validation rows, label prepared.</summary>
    public IDataView Validation { get; }

    /// <summary>Validation rows as given (for a whole model, label preparation included).</summary>
    public IDataView RawValidation { get; }

    /// <summary>Class names in key order; null for regression.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <exception cref="ArgumentException">A column is missing or has the wrong type, the label does not fit the task, or
    /// a validation label was never seen in training.</exception>
    public static ExperimentData Prepare(MLContext mlContext, IDataView train, IDataView? validation, double validationFraction, int seed,
        TextAutoMLTask task, string labelColumn, string textColumn, string? textPairColumn)
    {
        Check(train.Schema, "training data", task, labelColumn, textColumn, textPairColumn);
        if (validation is null)
        {
            var split = mlContext.Data.TrainTestSplit(train, validationFraction, seed: seed);
            (train, validation) = (split.TrainSet, split.TestSet);
        }
        else
        {
            Check(validation.Schema, "validation data", task, labelColumn, textColumn, textPairColumn);
        }
        var labelType = train.Schema[labelColumn].Type;
        IEstimator<ITransformer> preparation = task == TextAutoMLTask.Regression
            ? mlContext.Transforms.Conversion.ConvertType(labelColumn, outputKind: DataKind.Single)
            : labelType is KeyDataViewType
                ? mlContext.Transforms.CopyColumns(labelColumn, labelColumn)
                : mlContext.Transforms.Conversion.MapValueToKey(labelColumn, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
        var fitted = preparation.Fit(train);
        var preparedTrain = fitted.Transform(train);
        var preparedValidation = fitted.Transform(validation);
        if (task == TextAutoMLTask.Regression)
            return new ExperimentData(fitted, preparedTrain, preparedValidation, validation, null);

        var names = LabelKeyValues.FromColumn(preparedTrain.Schema[labelColumn])?.Names
            ?? [.. Enumerable.Range(1, (int)((KeyDataViewType)preparedTrain.Schema[labelColumn].Type).Count).Select(i => i.ToString())];
        if (task == TextAutoMLTask.BinaryClassification && names.Count != 2)
            throw new ArgumentException(
                $"Binary classification needs a label with exactly 2 values; '{labelColumn}' has {names.Count} in the training data " +
                $"({string.Join(", ", names.Take(10))}{(names.Count > 10 ? ", …" : "")}). Use MulticlassClassification.", nameof(task));
        if (names.Count < 2)
            throw new ArgumentException($"The label '{labelColumn}' has only {names.Count} value(s) in the training data ({string.Join(", ", names)}); a classifier needs at least 2.", nameof(labelColumn));
        CheckValidationLabelsSeen(preparedValidation, labelColumn, validation);
        return new ExperimentData(fitted, preparedTrain, preparedValidation, validation, names);
    }

    private static void Check(DataViewSchema schema, string what, TextAutoMLTask task, string label, string text, string? pair)
    {
        try
        {
            ColumnRules.RequireText(schema, text, "text");
            if (pair is not null)
                ColumnRules.RequireText(schema, pair, "text pair");
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"The {what}: {e.Message.Split(" (Parameter")[0]}", nameof(text), e);
        }
        if (task == TextAutoMLTask.TextPairClassification && pair is null)
            throw new ArgumentException("TextPairClassification needs the second text column: give textPairColumn.", nameof(pair));
        var labelColumn = schema.GetColumnOrNull(label)
            ?? throw new ArgumentException($"The label column '{label}' was not found in the {what}; its columns are: " +
                $"{string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.", nameof(label));
        if (labelColumn.Type is VectorDataViewType)
            throw new ArgumentException($"The label column '{label}' of the {what} is a vector ({labelColumn.Type}); it must hold one value per row.", nameof(label));
        if (task == TextAutoMLTask.Regression && labelColumn.Type is not NumberDataViewType)
            throw new ArgumentException($"Regression needs a numeric label; '{label}' of the {what} has type {labelColumn.Type}.", nameof(label));
    }

    // A class only the validation rows have would be a missing key: the trainer could neither learn nor score it.
    private static void CheckValidationLabelsSeen(IDataView prepared, string label, IDataView raw)
    {
        using var cursor = prepared.GetRowCursor([prepared.Schema[label]]);
        var getKey = cursor.GetGetter<uint>(prepared.Schema[label]);
        uint key = 0;
        long row = 0;
        while (cursor.MoveNext())
        {
            row++;
            getKey(ref key);
            if (key == 0)
                throw new ArgumentException(
                    $"Validation row {row} has a label ('{label}') that the training rows never have (or none at all); every class must occur in the training data.",
                    nameof(raw));
        }
    }
}
