using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx.Proto;
using static Microsoft.ML.Deberta.Onnx.OnnxGraphBuilder;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// The task heads on top of the backbone's last hidden state. Each ends in graph outputs named after the model's
/// output fields in transformers' spelling (<c>logits</c>, <c>start_logits</c>, <c>last_hidden_state</c>…).
/// </summary>
internal static class HeadGraph
{
    /// <summary>Builds <paramref name="model"/>'s head on <paramref name="hidden"/> and declares the graph outputs.</summary>
    public static void Build(OnnxLayers layers, DebertaPreTrainedModel model, string hidden)
    {
        var g = layers.Graph;
        var config = model.Config;
        switch (model)
        {
            case DebertaForSequenceClassification:
            {
                // ContextPooler: the first token, dense, activation; then the classifier.
                var first = g.Op("Gather", [hidden, g.Int64s([], 0)], Int("axis", 1));
                var pooled = layers.Activation(config.PoolerHiddenAct, layers.Linear(first, "pooler.dense"));
                Output(g, layers.Linear(pooled, "classifier"), "logits", "batch", config.NumLabels);
                break;
            }
            case DebertaForTokenClassification:
                Output(g, layers.Linear(hidden, "classifier"), "logits", "batch", "sequence", config.NumLabels);
                break;
            case DebertaForQuestionAnswering:
            {
                var both = g.OpMany("Split", [layers.Linear(hidden, "qa_outputs"), g.Vector(1, 1)], 2, Int("axis", -1));
                Output(g, g.Op("Squeeze", [both[0], g.Vector(-1)]), "start_logits", "batch", "sequence");
                Output(g, g.Op("Squeeze", [both[1], g.Vector(-1)]), "end_logits", "batch", "sequence");
                break;
            }
            case DebertaForMaskedLM:
            {
                // legacy: BERT-style cls.predictions.transform.{dense,LayerNorm}; otherwise lm_predictions.lm_head.*.
                // Both decode with the tied word-embedding table plus the head's own bias.
                string head = config.Legacy ? "cls.predictions" : "lm_predictions.lm_head";
                string transform = config.Legacy ? head + ".transform" : head;
                var x = layers.Activation(config.HiddenAct, layers.Linear(hidden, transform + ".dense"));
                x = layers.LayerNorm(x, transform + ".LayerNorm", config.LayerNormEps);
                var logits = layers.LinearWith(x, DebertaPreTrainedModel.BackbonePrefix + "embeddings.word_embeddings.weight", head + ".bias");
                Output(g, logits, "logits", "batch", "sequence", config.VocabSize);
                break;
            }
            case DebertaModel:
                Output(g, g.Op("Identity", [hidden]), "last_hidden_state", "batch", "sequence", config.HiddenSize);
                break;
            default:
                throw new NotSupportedException($"ONNX export has no graph for {model.GetType().Name} ({model.HuggingFaceClassName}).");
        }
    }

    // Renames the last node's output to the public name and declares it as a float graph output.
    private static void Output(OnnxGraphBuilder g, string value, string name, params object[] dims)
    {
        if (g.Graph.Node[^1].Output[0] != value)
            throw new InvalidOperationException($"ONNX export: output '{name}' is not the last node's output.");
        g.NameLastOutput(name);
        g.Graph.Output.Add(Value(name, TensorProto.Types.DataType.Float, dims));
    }
}
