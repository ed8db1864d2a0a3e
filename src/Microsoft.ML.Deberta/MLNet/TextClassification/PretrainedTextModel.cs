using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The estimator of <c>ApplyTextModel</c>: scores with a fine-tuned Hugging Face sequence-classification checkpoint as
/// it is, without training. Classification checkpoints give multiclass outputs whose class names (the key values of
/// <c>PredictedLabel</c>, the slot names of <c>Score</c>) are the checkpoint's id2label; a num_labels 1 or regression
/// checkpoint gives a regression <c>Score</c>.
/// </summary>
internal static class PretrainedTextModel
{
    private const string Method = "ApplyTextModel";

    /// <summary>Checks the checkpoint now (folder, head, labels, length); the weights are loaded at <c>Fit</c>, every fit its own model.</summary>
    public static PretrainedScorerEstimator Create(DebertaCatalog catalog, string modelFolder, string? tokenizerFolder, TextColumns columns,
        TextEncodingSettings encoding, int batchSize, DebertaPrecision precision)
    {
        var folder = PretrainedFolder.Open(Method, modelFolder, tokenizerFolder, encoding.MaxLength);
        var predictions = CheckedPredictions(Method, folder, nameof(modelFolder));
        return new PretrainedScorerEstimator(catalog, Method, columns, predictions, batchSize,
            channel => new DebertaTextScorer(folder.LoadTokenizer(),
                folder.LoadModel<DebertaForSequenceClassification>(channel, "a fine-tuned classifier", precision), encoding, batchSize));
    }

    /// <summary>
    /// Checks that the folder's config is a single-label sequence classifier's and returns its prediction columns
    /// (id2label → key values, or regression); <paramref name="method"/> and <paramref name="parameter"/> name the caller.
    /// </summary>
    public static PredictionColumns CheckedPredictions(string method, PretrainedFolder folder, string parameter)
    {
        var config = folder.Config;
        var architecture = config.Architectures.FirstOrDefault();
        if (architecture is null || !architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal))
            throw new ArgumentException(
                $"{method}: '{folder.Folder}' is {(architecture is null ? "a checkpoint without a task head" : $"a {architecture} checkpoint")}; " +
                "scoring without training needs a fine-tuned …ForSequenceClassification checkpoint (train one with TextClassification or TextRegression).",
                parameter);
        if (config.ProblemType == ProblemType.MultiLabelClassification)
            throw new NotSupportedException($"{method}: '{folder.Folder}' is a multi-label classifier, which this step does not score.");
        return Predictions(method, config, folder.Folder);
    }

    private static PredictionColumns Predictions(string method, DebertaConfig config, string folder)
    {
        var names = new OutputColumnNames();
        if (config.ProblemType == ProblemType.Regression || config.NumLabels == 1)
            return PredictionColumns.Regression(names);
        var classNames = CheckpointClassNames.Of(config);
        CheckpointClassNames.RequireDistinct(classNames, method, folder);
        return PredictionColumns.Multiclass(names, config.NumLabels, LabelKeyValues.FromText(TextDataViewType.Instance, classNames));
    }
}
