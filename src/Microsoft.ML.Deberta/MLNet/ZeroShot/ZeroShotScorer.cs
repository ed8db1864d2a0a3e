using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// An NLI sequence classifier behind the ML.NET seam as a zero-shot classifier (<see cref="Tasks.ZeroShot.ZeroShotRules"/>): each
/// row's text is paired with every candidate label's hypothesis, and all text × label pairs of a batch go through the
/// model together, in length-sorted batches. Outputs per row: one value per label (entailment logits, or log-odds
/// for multi-label). Payload: the Hugging Face folder, <c>text_encoding.json</c> and <c>zero_shot.json</c>.
/// </summary>
internal sealed class ZeroShotScorer : IDebertaTextScorer
{
    /// <summary>The payload kind this scorer writes and <see cref="ZeroShotScorerLoader"/> reads.</summary>
    public const string Kind = "deberta-zero-shot";

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
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        ZeroShotPairs.Encode(Tokenizer, texts, LabelsOf(texts.Count), Settings.Template, Encoding.MaxLength);

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var examples = prepared as EncodedExample[] ?? (EncodedExample[])PrepareBatch(texts, pairs)!;
        return ZeroShotPairs.Outputs(Model, examples, LabelsOf(texts.Count), Settings, BatchSize);
    }

    private IReadOnlyList<string>[] LabelsOf(int texts) => Enumerable.Repeat<IReadOnlyList<string>>(Settings.Labels, texts).ToArray();

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
