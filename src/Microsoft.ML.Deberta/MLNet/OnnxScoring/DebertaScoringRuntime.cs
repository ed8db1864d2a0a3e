namespace Microsoft.ML.Deberta;

/// <summary>Which runtime scores the DeBERTa steps of a model loaded with <c>DebertaModelIO.Load</c>.</summary>
public enum DebertaScoringRuntime
{
    /// <summary>TorchSharp (libtorch), the runtime the steps were trained with. Steps saved from an ONNX-scored model still score with ONNX Runtime: their payload holds no TorchSharp weights.</summary>
    TorchSharp,

    /// <summary>
    /// ONNX Runtime: each text classification, regression, pair-scoring, text-embedding, zero-shot, NER (token
    /// classification), question-answering or fill-mask step is exported to ONNX while loading
    /// (this loads its TorchSharp weights once, so libtorch is needed in that process) and scores with ONNX Runtime from
    /// then on, with the same columns and annotations. Saving the loaded model writes the ONNX graph instead of the
    /// weights, and a process that loads such a file never loads libtorch. A step of another kind (one this library
    /// does not make) is refused with <see cref="NotSupportedException"/>.
    /// </summary>
    OnnxRuntime,

    /// <summary>
    /// ONNX Runtime with the int8 export: as <see cref="OnnxRuntime"/>, but each step is exported with
    /// <c>OnnxWeightFormat.Int8</c> (the encoder's linear layers quantised to int8 per output channel, activations
    /// quantised on the fly). Smaller and faster on CPUs with int8 dot-product instructions, at the cost of scores that
    /// differ slightly from float32's (the predicted class or label usually stays the same; check on your own data).
    /// Saving the loaded model writes the int8 graph, and loading that file never loads libtorch. Steps saved from an
    /// ONNX-scored model keep the graph they were saved with.
    /// </summary>
    OnnxRuntimeInt8,
}
