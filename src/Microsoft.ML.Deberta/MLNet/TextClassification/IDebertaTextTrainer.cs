namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The training seam: turns validated, in-memory training rows into a scorer. <see cref="TextScoringEstimator"/>
/// reads and checks the <see cref="IDataView"/> (columns, types, missing labels, empty texts) before calling it,
/// so an implementation starts from clean data.
/// </summary>
internal interface IDebertaTextTrainer
{
    /// <summary>
    /// Called by Fit once the label column is known and before any row is read, so that what can be checked without
    /// data fails fast: a model folder that does not exist, a checkpoint whose head or id2label does not fit the classes.
    /// </summary>
    /// <param name="task">Classification or regression.</param>
    /// <param name="classCount">The number of classes (0 for regression).</param>
    /// <param name="classNames">The class names in class order, or null when the label key has no values.</param>
    void CheckTask(TextTask task, int classCount, IReadOnlyList<string>? classNames);

    /// <summary>Trains a model and returns it as a scorer whose <see cref="IDebertaTextScorer.OutputSize"/> fits the task.</summary>
    /// <param name="trainingSet">The training rows.</param>
    /// <param name="validationSet">Rows for per-epoch validation and early stopping, or null.</param>
    /// <param name="context">Log channel, seed and cancellation token.</param>
    IDebertaTextScorer Train(TextTrainingSet trainingSet, TextTrainingSet? validationSet, TextTrainingContext context);
}
