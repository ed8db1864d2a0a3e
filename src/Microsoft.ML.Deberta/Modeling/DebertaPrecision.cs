namespace Microsoft.ML.Deberta.Modeling;

/// <summary>The number format a DeBERTa model's encoder computes its large products in (see <see cref="DebertaPreTrainedModel.ConvertForInference"/>).</summary>
public enum DebertaPrecision
{
    /// <summary>float32 throughout: equal to transformers within float32 rounding. The default, and the only precision a model's weights can train in.</summary>
    Float32,

    /// <summary>
    /// Inference with the encoder's products in bfloat16 (8 significant bits): the attention and feed-forward
    /// projections, the relative-position projections and the attention score products, with their weights stored in
    /// bfloat16. Embeddings, LayerNorm, softmax, the residual stream, the relative-position indices and the task heads
    /// stay float32, and so do the outputs. As a training precision (<see cref="DebertaEstimatorFineTuningOptions.TrainingPrecision"/>)
    /// the same products compute in bfloat16 from float32 weights cast on the fly (mixed precision): the weights, their
    /// gradients and the optimizer state stay float32.
    /// </summary>
    BFloat16,
}
