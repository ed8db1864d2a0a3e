using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta;

/// <summary>
/// What the options of a fine-tuning estimator share besides <see cref="DebertaFineTuningOptions"/>: early stopping on
/// the validation metric, a token that ends training without an error, and the batch size of the fitted model's
/// scoring.
/// Text classification and regression, question answering and token classification derive from it.
/// </summary>
public abstract class DebertaEstimatorFineTuningOptions : DebertaFineTuningOptions
{
    private protected DebertaEstimatorFineTuningOptions()
    {
    }

    /// <summary>Stop after this many epochs without a validation improvement (0: never stop early). Needs <see cref="DebertaFineTuningOptions.ValidationSet"/>.</summary>
    public int EarlyStoppingPatience;

    /// <summary>The smallest change of the validation metric that counts as an improvement.</summary>
    public double EarlyStoppingMinDelta;

    /// <summary>
    /// Ends training early without an error when signalled, e.g. by a time budget (unlike
    /// <see cref="DebertaFineTuningOptions.CancellationToken"/>, which makes <c>Fit</c> throw): training stops after the
    /// current optimizer step and <c>Fit</c> returns a model with the best completed epoch's weights (by the validation
    /// metric), or the weights reached so far when no epoch completed or there is no validation set. At least one step
    /// is always taken.
    /// </summary>
    public CancellationToken StopTrainingToken;

    /// <summary>Rows (or windows) per forward pass when the fitted model scores (<c>Transform</c>).</summary>
    public int InferenceBatchSize = 32;

    /// <summary>
    /// The precision the fitted model scores in (<c>Transform</c>), saved with it: <see cref="DebertaPrecision.BFloat16"/>
    /// converts the trained model for bfloat16 inference when <c>Fit</c> ends (training computes as
    /// <see cref="TrainingPrecision"/> says; see <see cref="DebertaPreTrainedModel.ConvertForInference"/>): scores move
    /// by bfloat16 rounding, and it is faster only on CPUs whose bfloat16 products are
    /// (bench/Microsoft.ML.Deberta.Bench/README.md). Default Float32.
    /// </summary>
    public DebertaPrecision InferencePrecision = DebertaPrecision.Float32;

    /// <summary>
    /// The precision the encoder computes in while <c>Fit</c> trains: <see cref="DebertaPrecision.BFloat16"/> is mixed
    /// precision as <c>torch.autocast</c> does it — each encoder product casts its float32 weight and input to bfloat16
    /// on the fly, while the weights (the master copy), their gradients and AdamW's state stay float32, and so do
    /// embeddings, LayerNorm, softmax, the residual stream, the loss and the head. The fitted model is float32 unless
    /// <see cref="InferencePrecision"/> converts it. The loss
    /// curve follows float32's within bfloat16 rounding; it is faster only on CPUs whose bfloat16 products are
    /// (bench/Microsoft.ML.Deberta.Bench/README.md). Default Float32.
    /// </summary>
    public DebertaPrecision TrainingPrecision = DebertaPrecision.Float32;
}
