using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks;
using Microsoft.ML.Deberta.Tasks.ZeroShot;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Zero-shot classification whose candidate labels come with each row (the pair column: comma-separated, as
/// transformers accepts a label string): all text × label pairs of a batch go through the NLI model together
/// (<see cref="ZeroShotPairs"/>), and each row gets its labels, their scores and the best one.
/// </summary>
internal sealed class ZeroShotColumnScorer : IDebertaRowScorer<ZeroShotRow>
{
    private DebertaForSequenceClassification? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The NLI model; owned (disposed) by this scorer from now on.</param>
    /// <param name="encoding">The maximum length of a premise + hypothesis pair.</param>
    /// <param name="settings">Template and NLI ids (no fixed labels).</param>
    /// <param name="batchSize">Pairs per forward pass.</param>
    public ZeroShotColumnScorer(DebertaTokenizerBase tokenizer, DebertaForSequenceClassification model, TextEncodingSettings encoding,
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

    public string PayloadKind => ZeroShotScorer.Kind;

    public DebertaTokenizerBase Tokenizer { get; }

    public TextEncodingSettings Encoding { get; }

    public ZeroShotPayloadSettings Settings { get; }

    public int BatchSize { get; }

    private DebertaForSequenceClassification Model => _model ?? throw new ObjectDisposedException(nameof(ZeroShotColumnScorer));

    /// <summary>Reads each row's labels (refusing a row without any) and tokenizes every text × label pair.</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        var labels = new string[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            try
            {
                labels[i] = ZeroShotRules.CheckLabels(ZeroShotRules.ParseLabels(pairs?[i] ?? ""), "ZeroShotClassification");
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Row {i + 1} of a batch of {texts.Count} (\"{pairs?[i]}\"): {e.Message} " +
                    "In the candidate-labels column write the row's labels separated by commas, e.g. \"sports, politics\".", e);
            }
        }
        return (labels, ZeroShotPairs.Encode(Tokenizer, texts, labels, Settings.Template, Encoding.MaxLength));
    }

    public IReadOnlyList<ZeroShotRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var (labels, examples) = prepared as (string[][], EncodedExample[])? ?? ((string[][], EncodedExample[]))PrepareBatch(texts, pairs)!;
        var outputs = ZeroShotPairs.Outputs(Model, examples, labels, Settings, BatchSize);
        var rows = new ZeroShotRow[texts.Count];
        for (int t = 0; t < texts.Count; t++)
        {
            var scores = new float[outputs[t].Length];
            if (ZeroShotPairs.IsMultiLabel(Settings, scores.Length))
                for (int l = 0; l < scores.Length; l++)
                    scores[l] = (float)(1.0 / (1.0 + Math.Exp(-outputs[t][l])));
            else
                Softmax.Compute(outputs[t], scores);
            rows[t] = new ZeroShotRow(labels[t], scores, labels[t][Softmax.ArgMax(scores)]);
        }
        return rows;
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
