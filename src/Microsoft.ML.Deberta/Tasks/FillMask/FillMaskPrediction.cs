namespace Microsoft.ML.Deberta.Tasks.FillMask;

/// <summary>One proposition for one mask, as transformers' fill-mask pipeline returns it.</summary>
/// <param name="Score">Probability of the token at the mask: softmax over the whole vocabulary (not renormalised over targets).</param>
/// <param name="TokenId">The proposed token id.</param>
/// <param name="TokenString">The token decoded on its own (<c>decode([id])</c>; v1 keeps its leading space, e.g. <c>" Paris"</c>).</param>
/// <param name="Sequence">
/// The input decoded with this mask replaced by the token and padding removed; special tokens are skipped when the
/// text has exactly one mask, kept otherwise (so the other masks stay visible), as the pipeline does.
/// </param>
public sealed record FillMaskPrediction(float Score, int TokenId, string TokenString, string Sequence);
