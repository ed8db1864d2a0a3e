using Microsoft.ML.Deberta.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// A model's input tensors for a list of encodings: <c>input_ids</c>, <c>attention_mask</c> and
/// <c>token_type_ids</c>, int64 of shape (batch, longest encoding), right-padded with the pad id, attention 0 and token
/// type 0 (encodings the tokenizer already padded keep their own padding). Disposing it disposes the three tensors;
/// created inside a dispose scope, they also belong to that scope.
/// </summary>
/// <example>
/// <code>
/// var encodings = tokenizer.EncodeBatch(texts);
/// using var inputs = DebertaInputBatch.FromEncodings(encodings, tokenizer.PadTokenId);
/// using var output = model.Predict(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
/// </code>
/// </example>
public sealed class DebertaInputBatch : IDisposable
{
    private DebertaInputBatch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
    }

    /// <summary>The token ids (<c>input_ids</c>), shape (batch, length).</summary>
    public Tensor InputIds { get; }

    /// <summary>1 for a token, 0 for padding (<c>attention_mask</c>), shape (batch, length).</summary>
    public Tensor AttentionMask { get; }

    /// <summary>0 for the first sequence, 1 for the second of a pair (<c>token_type_ids</c>), shape (batch, length).</summary>
    public Tensor TokenTypeIds { get; }

    /// <summary>Builds the tensors for <paramref name="encodings"/>, one row each, in order.</summary>
    /// <param name="encodings">The encodings, e.g. from <c>tokenizer.EncodeBatch</c>; at least one, none empty.</param>
    /// <param name="padTokenId">The id that fills the padding (<c>tokenizer.PadTokenId</c>).</param>
    /// <param name="device">Where the tensors go; the CPU when null.</param>
    /// <exception cref="ArgumentException">The list is empty, or holds a null or empty encoding (named by its index).</exception>
    public static DebertaInputBatch FromEncodings(IReadOnlyList<DebertaEncoding> encodings, int padTokenId, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(encodings);
        if (encodings.Count == 0)
            throw new ArgumentException("There are no encodings to batch; pass at least one.", nameof(encodings));
        int length = 0;
        for (int r = 0; r < encodings.Count; r++)
        {
            if (encodings[r] is not { Length: > 0 } encoding)
                throw new ArgumentException(
                    $"encodings[{r}] is {(encodings[r] is null ? "null" : "empty")}; every row needs at least one token (encode a non-empty text).",
                    nameof(encodings));
            length = Math.Max(length, encoding.Length);
        }

        var batch = PaddedBatch.Build(encodings.Count, length, padTokenId, device ?? torch.CPU, (r, ids, mask, types) =>
        {
            var encoding = encodings[r];
            for (int t = 0; t < encoding.Length; t++)
            {
                ids[t] = encoding.InputIds[t];
                mask[t] = encoding.AttentionMask[t];   // a row the tokenizer padded keeps its zeros
                types[t] = encoding.TokenTypeIds[t];
            }
        });
        return new DebertaInputBatch(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
    }

    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
