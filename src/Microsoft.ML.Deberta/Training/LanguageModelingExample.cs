namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// One sequence for masked-LM training, before masking: token ids (special tokens included), which tokens are
/// special (never masked), and a word number per token (pieces of one word share it) for whole-word masking.
/// </summary>
/// <param name="InputIds">Token ids, unpadded.</param>
/// <param name="SpecialTokens">True for special tokens ([CLS], [SEP], …): never masked.</param>
/// <param name="WordIds">A number per token, equal for the pieces of one word and different between words; −1 for
/// tokens that belong to no word.</param>
internal sealed record LanguageModelingExample(int[] InputIds, bool[] SpecialTokens, int[] WordIds);
