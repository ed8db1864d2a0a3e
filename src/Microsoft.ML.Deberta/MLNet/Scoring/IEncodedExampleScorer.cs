using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A sequence classifier's scorer (TorchSharp's <see cref="DebertaTextScorer"/> or ONNX Runtime's
/// <see cref="OnnxTextScorer"/>) that also scores examples encoded elsewhere: zero-shot encodes its own text × hypothesis
/// pairs and needs only the logits, from whichever runtime holds the model.
/// </summary>
internal interface IEncodedExampleScorer : IDebertaTextScorer
{
    /// <summary>The tokenizer the model was trained with.</summary>
    DebertaTokenizerBase Tokenizer { get; }

    /// <summary>How rows become model inputs (the maximum length above all).</summary>
    TextEncodingSettings Encoding { get; }

    /// <summary>Examples per forward pass.</summary>
    int BatchSize { get; }

    /// <summary>
    /// One row of <see cref="IDebertaTextScorer.OutputSize"/> logits per source (0 to <paramref name="sourceCount"/> − 1),
    /// the logits of a source's examples averaged; examples run in length-sorted batches of <see cref="BatchSize"/>.
    /// </summary>
    float[][] ScoreExamples(IReadOnlyList<EncodedExample> examples, int sourceCount);
}
