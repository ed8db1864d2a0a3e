using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// One label per word for many rows of pre-split words: the windows of all rows in batched forward passes
/// (<see cref="TokenLevelPredictor"/>), then each row's words read at their first token (<see cref="WordPredictionDecoder"/>).
/// </summary>
internal static class TokenClassificationWordPredictor
{
    /// <summary>Per row, the prediction of every word (an empty row gets none), and per row the logits of its windows.</summary>
    public static WordPrediction[][] Predict(DebertaForTokenClassification model, IReadOnlyList<IReadOnlyList<DebertaEncoding>> windows,
        IReadOnlyList<int> wordCounts, int batchSize, CancellationToken cancellationToken, List<float[][]>? logitsPerRow = null)
    {
        var flat = windows.SelectMany(w => w).ToList();
        var logits = flat.Count == 0 ? [] : TokenLevelPredictor.PredictTokenLogits(model, flat, batchSize, cancellationToken);
        return Decode(windows, wordCounts, logits, model.Config.NumLabels, logitsPerRow);
    }

    /// <summary>
    /// <see cref="Predict"/> from logits computed elsewhere (e.g. by ONNX Runtime): <paramref name="logits"/> holds every
    /// window's token logits, rows' windows one after the other.
    /// </summary>
    public static WordPrediction[][] Decode(IReadOnlyList<IReadOnlyList<DebertaEncoding>> windows, IReadOnlyList<int> wordCounts,
        float[][] logits, int labelCount, List<float[][]>? logitsPerRow = null)
    {
        var result = new WordPrediction[windows.Count][];
        int next = 0;
        for (int row = 0; row < windows.Count; row++)
        {
            var rowLogits = logits.AsSpan(next, windows[row].Count).ToArray();
            next += windows[row].Count;
            logitsPerRow?.Add(rowLogits);
            result[row] = wordCounts[row] == 0 ? [] : WordPredictionDecoder.Decode(windows[row], rowLogits, labelCount, wordCounts[row]);
        }
        return result;
    }
}
