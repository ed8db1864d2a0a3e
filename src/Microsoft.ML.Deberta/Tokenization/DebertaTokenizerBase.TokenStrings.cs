namespace Microsoft.ML.Deberta.Tokenization;

public abstract partial class DebertaTokenizerBase
{
    /// <summary>
    /// Joins token strings into text the way transformers' fast tokenizers do it (<c>convert_tokens_to_string</c>,
    /// i.e. the <c>tokenizers</c> decoder): v1 maps the byte-level characters back to bytes (a string with a character
    /// outside that alphabet contributes its own UTF-8) and decodes UTF-8 with U+FFFD for invalid bytes; v2/v3 turn
    /// "▁" into a space, except that every "▁" of the first string is dropped (the Metaspace decoder). The pipelines
    /// build entity words with it, also from strings that are already text.
    /// </summary>
    /// <param name="tokens">Token strings (vocabulary entries or text); not null.</param>
    public string ConvertTokensToString(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return ConvertTokensToStringCore(tokens as IReadOnlyList<string> ?? tokens.ToArray());
    }

    /// <summary>Joins token strings as this tokenizer's <c>tokenizers</c> decoder does.</summary>
    private protected abstract string ConvertTokensToStringCore(IReadOnlyList<string> tokens);
}
