using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.ZeroShot;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What both zero-shot scorers (fixed labels, labels per row) hold and do: the NLI model, its tokenizer and settings;
/// every text × hypothesis pair of a batch encoded (premise truncated first, as transformers' only_first) and run through
/// the model together in length-sorted batches, each text's logits turned into per-label outputs by
/// <see cref="ZeroShotRules"/>; the payload (Hugging Face folder, <c>text_encoding.json</c>, <c>zero_shot.json</c>).
/// </summary>
internal sealed class ZeroShotModel : IDisposable
{
    private DebertaForSequenceClassification? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The NLI model; owned (disposed) from now on.</param>
    /// <param name="encoding">The maximum length of a premise + hypothesis pair.</param>
    /// <param name="settings">Labels (or none, for labels per row), template and NLI ids.</param>
    /// <param name="batchSize">Pairs per forward pass.</param>
    public ZeroShotModel(DebertaTokenizerBase tokenizer, DebertaForSequenceClassification model, TextEncodingSettings encoding,
        ZeroShotPayloadSettings settings, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Tokenizer = tokenizer;
        _model = model;
        Encoding = encoding;
        Settings = settings;
        BatchSize = batchSize;
        model.eval();
    }

    public DebertaTokenizerBase Tokenizer { get; }

    public TextEncodingSettings Encoding { get; }

    public ZeroShotPayloadSettings Settings { get; }

    public int BatchSize { get; }

    private DebertaForSequenceClassification Model => _model ?? throw new ObjectDisposedException(nameof(ZeroShotModel));

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
        var options = new DebertaEncodeOptions { MaxLength = Encoding.MaxLength, Truncation = DebertaTruncation.OnlyFirst };
        return Tokenizer.EncodeBatch(premises, hypotheses, options)
            .Select((e, i) => new EncodedExample([.. e.InputIds], [.. e.TokenTypeIds], i)).ToArray();
    }

    /// <summary>
    /// Per text, one raw output per label: entailment logits (single-label) or entailment − contradiction log-odds
    /// (multi-label, and always for a text with one label: transformers scores a single label on its own).
    /// </summary>
    public float[][] Outputs(EncodedExample[] examples, IReadOnlyList<IReadOnlyList<string>> labels)
    {
        var logits = SequenceClassificationPredictor.PredictLogits(Model, examples, examples.Length, BatchSize);
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
        SavedPayloadFolder.Write(folder, Model, Tokenizer, Encoding, BatchSize);
        Settings.Write(Path.Combine(folder, ZeroShotPayloadSettings.FileName));
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
