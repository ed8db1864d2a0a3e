using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>Feeds a golden folder's stored inputs (and labels) to any DeBERTa model and names the outputs as the golden file does.</summary>
internal static class GoldenRun
{
    /// <summary>Runs a forward pass; returns outputs keyed like golden_outputs.safetensors, in the current dispose scope.</summary>
    public static Dictionary<string, Tensor> Forward(DebertaPreTrainedModel model, GoldenModelFolder golden, bool withLabels, bool withAttentions)
    {
        var ids = golden.Input("input.input_ids");
        var mask = golden.Get("input.attention_mask");
        var types = golden.Get("input.token_type_ids");
        var labels = withLabels ? golden.Get("label.labels") : null;
        var result = new Dictionary<string, Tensor>();
        DebertaOutput output;
        switch (model)
        {
            case DebertaModel m:
                var bare = m.Forward(ids, mask, types, outputHiddenStates: true, outputAttentions: withAttentions);
                result["last_hidden_state"] = bare.LastHiddenState;
                output = bare;
                break;
            case DebertaForMaskedLM m:
                var mlm = m.Forward(ids, mask, types, labels: labels, outputHiddenStates: true, outputAttentions: withAttentions);
                result["logits"] = mlm.Logits;
                output = mlm;
                break;
            case DebertaForSequenceClassification m:
                var seq = m.Forward(ids, mask, types, labels: labels, outputHiddenStates: true, outputAttentions: withAttentions);
                result["logits"] = seq.Logits;
                output = seq;
                break;
            case DebertaForTokenClassification m:
                var tok = m.Forward(ids, mask, types, labels: labels, outputHiddenStates: true, outputAttentions: withAttentions);
                result["logits"] = tok.Logits;
                output = tok;
                break;
            case DebertaForQuestionAnswering m:
                var qa = m.Forward(ids, mask, types,
                    startPositions: withLabels ? golden.Get("label.start_positions") : null,
                    endPositions: withLabels ? golden.Get("label.end_positions") : null,
                    outputHiddenStates: true, outputAttentions: withAttentions);
                result["start_logits"] = qa.StartLogits;
                result["end_logits"] = qa.EndLogits;
                output = qa;
                break;
            default:
                throw new NotSupportedException(model.GetType().Name);
        }
        if (output.Loss is not null) result["loss"] = output.Loss;
        for (int i = 0; i < (output.HiddenStates?.Count ?? 0); i++) result[$"hidden_states.{i}"] = output.HiddenStates![i];
        for (int i = 0; i < (output.Attentions?.Count ?? 0); i++) result[$"attentions.{i}"] = output.Attentions![i];
        return result;
    }

    /// <summary>The output kind used in the |Δ| summary: hidden_states.3 → hidden_states, start_logits → logits.</summary>
    public static string KindOf(string key)
    {
        var head = key.Split('.')[0];
        return head is "start_logits" or "end_logits" ? "logits" : head;
    }

    /// <summary>Stored reference outputs: everything except inputs, labels, gradients and the training loss.</summary>
    public static IEnumerable<string> ReferenceOutputKeys(GoldenModelFolder golden) =>
        golden.Tensors.Keys.Where(k => !k.StartsWith("input.", StringComparison.Ordinal) && !k.StartsWith("label.", StringComparison.Ordinal)
            && !k.StartsWith("grad.", StringComparison.Ordinal) && !k.StartsWith("train.", StringComparison.Ordinal))
            .OrderBy(k => k, StringComparer.Ordinal);
}
