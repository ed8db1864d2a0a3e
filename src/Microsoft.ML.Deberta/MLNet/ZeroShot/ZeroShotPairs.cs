using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.ZeroShot;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The batch work of zero-shot classification, whether the labels are fixed or come per row: every text × hypothesis
/// pair of a batch encoded (premise truncated first, as transformers' only_first) and run through the NLI model together
/// in length-sorted batches, then each text's logits turned into per-label outputs by <see cref="ZeroShotRules"/>.
/// </summary>
internal static class ZeroShotPairs
{
    /// <summary>One example per (text, label) pair, text-major: the pairs of text t follow those of text t − 1.</summary>
    public static EncodedExample[] Encode(DebertaTokenizerBase tokenizer, IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<string>> labels,
        string template, int maxLength)
    {
        var premises = new List<string>();
        var hypotheses = new List<string?>();
        for (int t = 0; t < texts.Count; t++)
            foreach (var label in labels[t])
            {
                premises.Add(texts[t]);
                hypotheses.Add(ZeroShotRules.Hypothesis(template, label));
            }
        var options = new DebertaEncodeOptions { MaxLength = maxLength, Truncation = DebertaTruncation.OnlyFirst };
        return tokenizer.EncodeBatch(premises, hypotheses, options)
            .Select((e, i) => new EncodedExample([.. e.InputIds], [.. e.TokenTypeIds], i)).ToArray();
    }

    /// <summary>
    /// Per text, one raw output per label: entailment logits (single-label) or entailment − contradiction log-odds
    /// (multi-label, and always for a text with one label: transformers scores a single label on its own).
    /// </summary>
    public static float[][] Outputs(DebertaForSequenceClassification model, EncodedExample[] examples, IReadOnlyList<IReadOnlyList<string>> labels,
        ZeroShotPayloadSettings settings, int batchSize)
    {
        var logits = SequenceClassificationPredictor.PredictLogits(model, examples, examples.Length, batchSize);
        var outputs = new float[labels.Count][];
        int start = 0;
        for (int t = 0; t < labels.Count; t++)
        {
            int count = labels[t].Count;
            outputs[t] = ZeroShotRules.Outputs(new ArraySegment<float[]>(logits, start, count), settings.EntailmentId, settings.ContradictionId,
                IsMultiLabel(settings, count));
            start += count;
        }
        return outputs;
    }

    public static bool IsMultiLabel(ZeroShotPayloadSettings settings, int labelCount) => settings.MultiLabel || labelCount == 1;
}
