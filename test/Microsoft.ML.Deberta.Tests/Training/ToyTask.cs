using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// A tiny model and a learnable toy task: sequences of random filler tokens with one marker token (5 = class 0,
/// 6 = class 1, 7 = class 2) at a random position; the class (or, for regression, a value per marker) is the marker.
/// </summary>
internal static class ToyTask
{
    public const int VocabSize = 40;

    public static DebertaConfig Config(int numLabels = 2, double dropout = 0.1, bool positionBiasedInput = false, int maxPositions = 64) => new(DebertaVersion.V2)
    {
        VocabSize = VocabSize, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 32,
        MaxPositionEmbeddings = maxPositions, RelativeAttention = !positionBiasedInput, PosAttType = ["p2c", "c2p"], PositionBuckets = 8,
        PositionBiasedInput = positionBiasedInput, HiddenDropoutProb = dropout, AttentionProbsDropoutProb = dropout,
        NumLabels = numLabels,
    };

    public static DebertaForSequenceClassification Model(int numLabels = 2, double dropout = 0.1, long seed = 1) =>
        new(Config(numLabels, dropout), seed);

    /// <summary>Examples of length 4…maxTokens+2 ([CLS] … [SEP]) with their class targets.</summary>
    public static (List<EncodedExample> Examples, List<float> Targets) Classification(int rows, int seed, int classes = 2, int maxTokens = 12)
    {
        var random = new Random(seed);
        var examples = new List<EncodedExample>();
        var targets = new List<float>();
        for (int row = 0; row < rows; row++)
        {
            int label = random.Next(classes);
            examples.Add(Sequence(random, 5 + label, row, maxTokens));
            targets.Add(label);
        }
        return (examples, targets);
    }

    /// <summary>Regression: marker 5 → −1, marker 6 → +1.</summary>
    public static (List<EncodedExample> Examples, List<float> Targets) Regression(int rows, int seed)
    {
        var (examples, classes) = Classification(rows, seed);
        return (examples, classes.Select(c => c == 0 ? -1f : 1f).ToList());
    }

    public static EncodedExample Sequence(Random random, int marker, int row, int maxTokens)
    {
        int content = random.Next(2, maxTokens + 1);
        var ids = new int[content + 2];
        ids[0] = 1;
        ids[^1] = 2;
        for (int i = 1; i <= content; i++) ids[i] = random.Next(10, VocabSize);
        // The marker right after [CLS] and at one random place: easy enough for a one-layer model to learn in a few epochs.
        ids[1] = marker;
        ids[random.Next(1, content + 1)] = marker;
        return new EncodedExample(ids, new int[ids.Length], row);
    }

    /// <summary>CPU copies of every parameter, by name.</summary>
    public static Dictionary<string, torch.Tensor> Weights(torch.nn.Module model)
    {
        using var noGrad = torch.no_grad();
        return model.named_parameters().ToDictionary(p => p.name, p =>
        {
            var copy = p.parameter.detach().clone();
            copy.DetachFromDisposeScope();
            return copy;
        });
    }

    public static bool SameWeights(torch.nn.Module model, Dictionary<string, torch.Tensor> weights) =>
        model.named_parameters().All(p => p.parameter.detach().Identical(weights[p.name]));

    public static void Dispose(Dictionary<string, torch.Tensor> weights)
    {
        foreach (var t in weights.Values) t.Dispose();
    }
}
