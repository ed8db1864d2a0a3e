using System.Globalization;
using Microsoft.ML.Deberta.Configuration;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Small DeBERTa (v1, relative attention c2p|p2c) configurations to train from scratch when no pre-trained checkpoint
/// is at hand, named for a search space's <c>Model</c> option. They learn simple tasks from a few thousand rows; a
/// pre-trained checkpoint does far better when one is available.
/// </summary>
public static class ScratchModelSizes
{
    /// <summary>1 layer, hidden size 32, 2 heads.</summary>
    public const string Tiny = "scratch-tiny";

    /// <summary>2 layers, hidden size 64, 2 heads.</summary>
    public const string Mini = "scratch-mini";

    /// <summary>2 layers, hidden size 128, 4 heads.</summary>
    public const string Small = "scratch-small";

    /// <summary>Every size, smallest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Tiny, Mini, Small];

    /// <summary>Whether <paramref name="model"/> names a from-scratch size rather than a checkpoint folder.</summary>
    public static bool IsSize(string model) => All.Contains(model, StringComparer.Ordinal);

    /// <summary>The configuration of a size over a tokenizer of <paramref name="vocabularySize"/> ids.</summary>
    /// <exception cref="ArgumentException">Not a size name.</exception>
    public static DebertaConfig Config(string size, int vocabularySize)
    {
        var (hidden, layers, heads) = size switch
        {
            Tiny => (32, 1, 2),
            Mini => (64, 2, 2),
            Small => (128, 2, 4),
            _ => throw new ArgumentException($"'{size}' is not a from-scratch size; use one of {string.Join(", ", All)} or a checkpoint folder.", nameof(size)),
        };
        return DebertaConfig.FromJson(string.Create(CultureInfo.InvariantCulture, $$"""
        {
          "model_type": "deberta", "vocab_size": {{vocabularySize}}, "hidden_size": {{hidden}}, "num_hidden_layers": {{layers}},
          "num_attention_heads": {{heads}}, "intermediate_size": {{hidden * 2}}, "hidden_act": "gelu",
          "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 512, "type_vocab_size": 0,
          "relative_attention": true, "max_relative_positions": -1, "pos_att_type": "c2p|p2c", "position_biased_input": false,
          "pad_token_id": 0, "initializer_range": 0.02, "layer_norm_eps": 1e-7
        }
        """));
    }
}
