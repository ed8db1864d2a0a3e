namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The training seam: turns validated, in-memory training rows into a scorer. <see cref="TextScoringEstimator"/>
/// reads and checks the <see cref="IDataView"/> (columns, types, missing labels, empty texts) before calling it,
/// so an implementation starts from clean data.
/// </summary>
internal interface IDebertaTextTrainer
{
    /// <summary>Trains a model and returns it as a scorer whose <see cref="IDebertaTextScorer.OutputSize"/> fits the task.</summary>
    /// <param name="trainingSet">The training rows.</param>
    /// <param name="validationSet">Rows for per-epoch validation and early stopping, or null.</param>
    /// <param name="context">Log channel, seed and cancellation token.</param>
    IDebertaTextScorer Train(TextTrainingSet trainingSet, TextTrainingSet? validationSet, TextTrainingContext context);
}
