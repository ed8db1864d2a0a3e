using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.ZeroShot;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// An NLI sequence classifier behind the ML.NET seam as a zero-shot classifier (<see cref="ZeroShotRules"/>): each
/// row's text is paired with every candidate label's hypothesis, and all text × label pairs of a batch go through the
/// model together, in length-sorted batches. Outputs per row: one value per label (entailment logits, or log-odds
/// for multi-label). Payload: the Hugging Face folder, <c>text_encoding.json</c> and <c>zero_shot.json</c>.
/// </summary>
internal sealed class ZeroShotScorer : IDebertaTextScorer
{
    /// <summary>The payload kind this scorer writes and <see cref="ZeroShotScorerLoader"/> reads.</summary>
    public const string Kind = "deberta-zero-shot";

    private readonly string[] _hypotheses;
    private DebertaForSequenceClassification? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The NLI model; owned (disposed) by this scorer from now on.</param>
    /// <param name="encoding">The maximum length (a long premise is truncated, as transformers' only_first does).</param>
    /// <param name="settings">Labels, template and NLI ids.</param>
    /// <param name="batchSize">Text × label pairs per forward pass.</param>
    public ZeroShotScorer(DebertaTokenizerBase tokenizer, DebertaForSequenceClassification model, TextEncodingSettings encoding,
        ZeroShotPayloadSettings settings, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Tokenizer = tokenizer;
        _model = model;
        Encoding = encoding;
        Settings = settings;
        BatchSize = batchSize;
        _hypotheses = settings.Labels.Select(l => ZeroShotRules.Hypothesis(settings.Template, l)).ToArray();
        model.eval();
    }

    public string PayloadKind => Kind;

    public int OutputSize => Settings.Labels.Length;

    public DebertaTokenizerBase Tokenizer { get; }

    public TextEncodingSettings Encoding { get; }

    public ZeroShotPayloadSettings Settings { get; }

    public int BatchSize { get; }

    private DebertaForSequenceClassification Model => _model ?? throw new ObjectDisposedException(nameof(ZeroShotScorer));

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        ScoreBatch(texts, pairs, PrepareBatch(texts, pairs));

    /// <summary>Tokenizes every text × hypothesis pair (text-major: pair t·L + l is text t with label l).</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        int labels = _hypotheses.Length;
        var premises = new string[texts.Count * labels];
        var hypotheses = new string?[premises.Length];
        for (int t = 0; t < texts.Count; t++)
            for (int l = 0; l < labels; l++)
            {
                premises[t * labels + l] = texts[t];
                hypotheses[t * labels + l] = _hypotheses[l];
            }
        var options = new DebertaEncodeOptions { MaxLength = Encoding.MaxLength, Truncation = DebertaTruncation.OnlyFirst };
        return Tokenizer.EncodeBatch(premises, hypotheses, options)
            .Select((e, i) => new EncodedExample([.. e.InputIds], [.. e.TokenTypeIds], i)).ToArray();
    }

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var examples = prepared as IReadOnlyList<EncodedExample> ?? (IReadOnlyList<EncodedExample>)PrepareBatch(texts, pairs)!;
        int labels = _hypotheses.Length;
        var logits = SequenceClassificationPredictor.PredictLogits(Model, examples, examples.Count, BatchSize);
        // transformers scores a single candidate label multi-label: a softmax over one label would always say 1.
        bool multiLabel = Settings.MultiLabel || labels == 1;
        var outputs = new float[texts.Count][];
        for (int t = 0; t < texts.Count; t++)
            outputs[t] = ZeroShotRules.Outputs(new ArraySegment<float[]>(logits, t * labels, labels), Settings.EntailmentId, Settings.ContradictionId, multiLabel);
        return outputs;
    }

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
