using Microsoft.ML.Deberta.Tasks.ZeroShot;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What both zero-shot scorers (fixed labels, labels per row) hold and do: the NLI classifier (TorchSharp's
/// <see cref="DebertaTextScorer"/> or ONNX Runtime's <see cref="OnnxTextScorer"/>) and the zero-shot settings; every
/// text × hypothesis pair of a batch encoded (premise truncated first, as transformers' only_first) and run through the
/// classifier together in length-sorted batches, each text's logits turned into per-label outputs by
/// <see cref="ZeroShotRules"/>; the payload (the classifier's payload plus <c>zero_shot.json</c>).
/// </summary>
internal sealed class ZeroShotModel : IDisposable
{
    /// <summary>The payload kind of a zero-shot step over a TorchSharp model (a Hugging Face folder).</summary>
    public const string Kind = "deberta-zero-shot";

    /// <summary>The payload kind of a zero-shot step over an ONNX graph (no TorchSharp weights).</summary>
    public const string OnnxKind = "deberta-onnx-zero-shot";

    private IEncodedExampleScorer? _classifier;

    /// <param name="classifier">The NLI classifier; owned (disposed) from now on.</param>
    /// <param name="settings">Labels (or none, for labels per row), template and NLI ids.</param>
    public ZeroShotModel(IEncodedExampleScorer classifier, ZeroShotPayloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        _classifier = classifier;
        Settings = settings;
    }

    public ZeroShotPayloadSettings Settings { get; }

    /// <summary>The NLI classifier (the ONNX Runtime loaders export a TorchSharp one).</summary>
    public IEncodedExampleScorer Classifier => _classifier ?? throw new ObjectDisposedException(nameof(ZeroShotModel));

    public DebertaTokenizerBase Tokenizer => Classifier.Tokenizer;

    public string PayloadKind => Classifier is OnnxTextScorer ? OnnxKind : Kind;

    /// <summary>One example per (text, label) pair, text-major: the pairs of text t follow those of text t − 1.</summary>
    public EncodedExample[] Encode(IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<string>> labels)
    {
        var premises = new List<string>();
        var hypotheses = new List<string?>();
        for (int t = 0; t < texts.Count; t++)
            foreach (var label in labels[t])
            {
                premises.Add(texts[t]);
                hypotheses.Add(ZeroShotRules.Hypothesis(Settings.Template, label));
            }
        var options = new DebertaEncodeOptions { MaxLength = Classifier.Encoding.MaxLength, Truncation = DebertaTruncation.OnlyFirst };
        return Tokenizer.EncodeBatch(premises, hypotheses, options)
            .Select((e, i) => new EncodedExample([.. e.InputIds], [.. e.TokenTypeIds], i)).ToArray();
    }

    /// <summary>
    /// Per text, one raw output per label: entailment logits (single-label) or entailment − contradiction log-odds
    /// (multi-label, and always for a text with one label: transformers scores a single label on its own).
    /// </summary>
    public float[][] Outputs(EncodedExample[] examples, IReadOnlyList<IReadOnlyList<string>> labels)
    {
        var logits = Classifier.ScoreExamples(examples, examples.Length);
        var outputs = new float[labels.Count][];
        int start = 0;
        for (int t = 0; t < labels.Count; t++)
        {
            int count = labels[t].Count;
            outputs[t] = ZeroShotRules.Outputs(new ArraySegment<float[]>(logits, start, count), Settings.EntailmentId, Settings.ContradictionId,
                IsMultiLabel(count));
            start += count;
        }
        return outputs;
    }

    public bool IsMultiLabel(int labelCount) => Settings.MultiLabel || labelCount == 1;

    public void SavePayload(string folder)
    {
        Classifier.SavePayload(folder);
        Settings.Write(Path.Combine(folder, ZeroShotPayloadSettings.FileName));
    }

    /// <summary>
    /// Reads back what <see cref="SavePayload"/> wrote: the classifier by <paramref name="payloadKind"/> (a Hugging Face
    /// folder, or an ONNX payload that never touches TorchSharp), then the zero-shot settings checked against its labels.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is missing or does not fit the classifier.</exception>
    public static ZeroShotModel Open(string folder, string payloadKind, bool labelsPerRow)
    {
        IEncodedExampleScorer classifier = payloadKind == OnnxKind
            ? (OnnxTextScorer)new OnnxTextScorerLoader().Load(folder)
            : (DebertaTextScorer)new DebertaTextScorerLoader().Load(folder);
        try
        {
            var settings = ZeroShotPayloadSettings.Read(Path.Combine(folder, ZeroShotPayloadSettings.FileName), classifier.OutputSize, labelsPerRow);
            return new ZeroShotModel(classifier, settings);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _classifier?.Dispose();
        _classifier = null;
    }
}
