using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks;

/// <summary>
/// Checks that windows carry the offsets transformers' pipelines report: for DeBERTa-v2/v3 those of the fast
/// tokenizer (<see cref="DebertaEncodeOptions.FastTokenizerOffsets"/>), which the decoders' <c>Encode</c> methods ask
/// for. The decoders read <see cref="DebertaEncoding.Offsets"/> directly, so a sentencepiece-style window would give
/// answers and entities shifted onto whitespace; it is refused instead.
/// </summary>
internal static class PipelineOffsets
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first v2/v3 window encoded without fast offsets.</summary>
    public static void Require(DebertaTokenizerBase tokenizer, IReadOnlyList<DebertaEncoding> windows, string parameterName)
    {
        if (tokenizer is not DebertaV2Tokenizer)
            return; // v1's byte-level offsets are the same in both conventions
        for (int w = 0; w < windows.Count; w++)
        {
            if (windows[w] is { HasFastTokenizerOffsets: false })
                throw new ArgumentException(
                    $"Window {w} was encoded without DebertaEncodeOptions.FastTokenizerOffsets, so its offsets are sentencepiece's, not the pipeline's: make the windows with the decoder's Encode, or encode with FastTokenizerOffsets = true.",
                    parameterName);
        }
    }
}
