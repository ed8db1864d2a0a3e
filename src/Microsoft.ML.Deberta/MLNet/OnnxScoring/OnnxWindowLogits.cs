using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Token-level outputs of tokenizer windows from ONNX Runtime, as <c>TokenLevelPredictor</c> returns them from TorchSharp:
/// windows in length-sorted batches, padding cut off, each window's values for its own tokens (length × values per token).
/// </summary>
internal static class OnnxWindowLogits
{
    /// <summary>Per output in <paramref name="outputs"/>, per window, its tokens' values.</summary>
    public static float[][][] Score(DebertaOnnxModel model, IReadOnlyList<DebertaEncoding> windows, int batchSize, IReadOnlyList<string> outputs)
    {
        var lengths = windows.Select(Tasks.WindowLogits.UnpaddedLength).ToArray();
        return Score(model, [.. windows.Select((w, i) => w.InputIds.Take(lengths[i]).ToArray())],
            [.. windows.Select((w, i) => w.TokenTypeIds.Take(lengths[i]).ToArray())], batchSize, outputs);
    }

    /// <summary>Per output in <paramref name="outputs"/>, per unpadded example (ids and token types), its tokens' values.</summary>
    public static float[][][] Score(DebertaOnnxModel model, IReadOnlyList<int[]> inputIds, IReadOnlyList<int[]> tokenTypeIds, int batchSize,
        IReadOnlyList<string> outputs)
    {
        var order = Enumerable.Range(0, inputIds.Count).OrderBy(i => inputIds[i].Length).ToArray();
        var result = outputs.Select(_ => new float[inputIds.Count][]).ToArray();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var batch = order[start..Math.Min(start + batchSize, order.Length)];
            var scores = model.Score([.. batch.Select(i => (IReadOnlyList<int>)inputIds[i])], null,
                [.. batch.Select(i => (IReadOnlyList<int>)tokenTypeIds[i])]);
            for (int o = 0; o < outputs.Count; o++)
            {
                var tensor = scores[outputs[o]];
                int perToken = tensor.Shape.Length < 3 ? 1 : checked((int)tensor.Shape[2]);
                for (int r = 0; r < batch.Length; r++)
                    result[o][batch[r]] = tensor.Row(r)[..(inputIds[batch[r]].Length * perToken)].ToArray();
            }
        }
        return result;
    }
}
