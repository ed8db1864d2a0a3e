using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// transformers' <c>_init_weights</c> for DeBERTa, driven by a seed: Linear and Embedding weights ~ N(0,
/// initializer_range) with the padding row zeroed, biases (q_bias, v_bias and LM-head biases included) 0, LayerNorm
/// 1/0, and torch's default uniform init for the v2 convolution (which transformers leaves untouched).
/// </summary>
/// <remarks>
/// Each parameter draws from its own generator, seeded from the seed and the parameter's key without the
/// <c>deberta.</c> prefix, so the same seed gives the same backbone whether it sits under a head or not, and a
/// head's initial weights do not depend on which other weights exist.
/// </remarks>
internal static class WeightInitializer
{
    public static void Initialize(DebertaPreTrainedModel model, long seed, Func<string, bool>? select = null)
    {
        using var noGrad = torch.no_grad();
        var config = model.Config;
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (select is not null && !select(name)) continue;
            var key = name.StartsWith(DebertaPreTrainedModel.BackbonePrefix, StringComparison.Ordinal)
                ? name[DebertaPreTrainedModel.BackbonePrefix.Length..]
                : name;
            var leaf = key[(key.LastIndexOf('.') + 1)..];
            using var generator = new torch.Generator(DerivedSeed(seed, key));
            if (key.StartsWith("encoder.conv.conv.", StringComparison.Ordinal))
            {
                // torch's Conv1d default: kaiming_uniform(a=√5) for the weight, U(±1/√fan_in) for the bias.
                double bound = 1.0 / Math.Sqrt(config.HiddenSize / (double)(config.ConvGroups ?? 1) * (config.ConvKernelSize ?? 3));
                parameter.uniform_(-bound, bound, generator);
            }
            else if (key.EndsWith("LayerNorm.weight", StringComparison.Ordinal))
            {
                parameter.fill_(1.0);
            }
            else if (leaf is "bias" or "q_bias" or "v_bias")
            {
                parameter.zero_();
            }
            else
            {
                parameter.normal_(0.0, config.InitializerRange, generator);
                if (key == "embeddings.word_embeddings.weight" && config.PadTokenId is int pad)
                {
                    using var paddingRow = parameter[pad];
                    paddingRow.zero_();
                }
            }
        }
    }

    // FNV-1a over the key, mixed with the seed: stable across runs and platforms (string.GetHashCode is not).
    private static ulong DerivedSeed(long seed, string key)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)seed;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
