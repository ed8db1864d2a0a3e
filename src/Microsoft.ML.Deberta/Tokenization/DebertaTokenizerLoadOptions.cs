namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Settings that override what a tokenizer folder's <c>tokenizer_config.json</c> says (like keyword arguments to
/// transformers' <c>from_pretrained</c>). Null keeps the folder's value or the transformers default.
/// </summary>
public sealed class DebertaTokenizerLoadOptions
{
    /// <summary>Gets whether v1 prepends a space to every text chunk that does not start with one (default false).</summary>
    public bool? AddPrefixSpace { get; init; }

    /// <summary>Gets whether v2/v3 lowercase the text before SentencePiece (<c>do_lower_case</c>, default false).</summary>
    public bool? DoLowerCase { get; init; }

    /// <summary>Gets whether v2/v3 split the text at punctuation before SentencePiece (<c>split_by_punct</c>, default false).</summary>
    public bool? SplitByPunct { get; init; }

    /// <summary>Gets the length used when truncation is requested without a maximum length (<c>model_max_length</c>).</summary>
    public int? ModelMaxLength { get; init; }
}
