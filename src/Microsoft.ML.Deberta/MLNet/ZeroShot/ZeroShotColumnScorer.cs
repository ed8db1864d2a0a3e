using Microsoft.ML.Deberta.Tasks;
using Microsoft.ML.Deberta.Tasks.ZeroShot;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Zero-shot classification whose candidate labels come with each row (the pair column: comma-separated, as
/// transformers accepts a label string) behind the structured seam: all text × label pairs of a batch go through the
/// NLI model together (<see cref="ZeroShotModel"/>), and each row gets its labels, their scores and the best one.
/// </summary>
internal sealed class ZeroShotColumnScorer(ZeroShotModel model) : IDebertaRowScorer<ZeroShotRow>
{
    /// <summary>The zero-shot model (the ONNX Runtime loaders export its classifier).</summary>
    public ZeroShotModel Model => model;

    public string PayloadKind => model.PayloadKind;

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
        return (labels, model.Encode(texts, labels));
    }

    public IReadOnlyList<ZeroShotRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var (labels, examples) = prepared as (string[][], EncodedExample[])? ?? ((string[][], EncodedExample[]))PrepareBatch(texts, pairs)!;
        var outputs = model.Outputs(examples, labels);
        var rows = new ZeroShotRow[texts.Count];
        for (int t = 0; t < texts.Count; t++)
        {
            var scores = new float[outputs[t].Length];
            if (model.IsMultiLabel(scores.Length))
                for (int l = 0; l < scores.Length; l++)
                    scores[l] = (float)(1.0 / (1.0 + Math.Exp(-outputs[t][l])));
            else
                Softmax.Compute(outputs[t], scores);
            rows[t] = new ZeroShotRow(labels[t], scores, labels[t][Softmax.ArgMax(scores)]);
        }
        return rows;
    }

    public void SavePayload(string folder) => model.SavePayload(folder);

    public void Dispose() => model.Dispose();
}
