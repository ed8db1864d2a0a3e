using Microsoft.ML.Deberta.Configuration;
using static Microsoft.ML.Deberta.Onnx.OnnxGraphBuilder;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>The task heads on top of the backbone's last hidden state, each ending in a named graph output.</summary>
internal static class HeadGraph
{
    /// <summary>ContextPooler (first token, dense, activation) then the classifier: (B, num_labels) logits.</summary>
    public static void SequenceClassification(OnnxLayers layers, DebertaConfig config, string hidden, string outputName)
    {
        var g = layers.Graph;
        var first = g.Op("Gather", [hidden, g.Int64s([], 0)], Int("axis", 1));
        var pooled = layers.Activation(config.PoolerHiddenAct, layers.Linear(first, "pooler.dense"));
        layers.Linear(pooled, "classifier");
        g.NameLastOutput(outputName);
    }
}
