using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Zero-shot classification with fixed candidate labels behind the <c>float[]</c> seam (<see cref="ZeroShotModel"/>
/// does the work): each row's text is paired with every label's hypothesis, all pairs of a batch go through the model
/// together. Outputs per row: one value per label (entailment logits, or log-odds for multi-label), which the
/// multiclass columns softmax (or pass through a sigmoid).
/// </summary>
internal sealed class ZeroShotScorer(ZeroShotModel model) : IDebertaTextScorer
{
    /// <summary>The zero-shot model (the ONNX Runtime loaders export its classifier).</summary>
    public ZeroShotModel Model => model;

    /// <summary><see cref="ZeroShotModel.Kind"/> or <see cref="ZeroShotModel.OnnxKind"/>, by the classifier's runtime.</summary>
    public string PayloadKind => model.PayloadKind;

    public int OutputSize => model.Settings.Labels.Length;

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        ScoreBatch(texts, pairs, PrepareBatch(texts, pairs));

    /// <summary>Tokenizes every text × hypothesis pair (text-major: pair t·L + l is text t with label l).</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => model.Encode(texts, LabelsOf(texts.Count));

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared) =>
        model.Outputs(prepared as EncodedExample[] ?? model.Encode(texts, LabelsOf(texts.Count)), LabelsOf(texts.Count));

    private IReadOnlyList<string>[] LabelsOf(int texts) => Enumerable.Repeat<IReadOnlyList<string>>(model.Settings.Labels, texts).ToArray();

    public void SavePayload(string folder) => model.SavePayload(folder);

    public void Dispose() => model.Dispose();
}
