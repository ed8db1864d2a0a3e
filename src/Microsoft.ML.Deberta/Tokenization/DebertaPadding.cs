namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>How encodings are padded on the right with <c>[PAD]</c> (transformers' <c>padding=</c>).</summary>
public enum DebertaPadding
{
    /// <summary>No padding (<c>do_not_pad</c>).</summary>
    None,

    /// <summary>Pad every encoding of a batch (overflow windows included) to the longest one (<c>longest</c>).</summary>
    Longest,

    /// <summary>Pad to <see cref="DebertaEncodeOptions.MaxLength"/> (<c>max_length</c>); longer encodings stay as they are.</summary>
    MaxLength,
}
