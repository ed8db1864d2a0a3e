using System.Text;

namespace Microsoft.ML.Deberta.Tokenization;

public sealed partial class DebertaV2Tokenizer
{
    private const char MetaspaceReplacement = '\u2581';

    /// <summary>
    /// The <c>tokenizers</c> Metaspace decoder (prepend scheme "always", as DeBERTa-v2/v3's <c>tokenizer.json</c>
    /// has it): "▁" becomes a space, except in the first string, whose every "▁" is dropped.
    /// </summary>
    private protected override string ConvertTokensToStringCore(IReadOnlyList<string> tokens)
    {
        var text = new StringBuilder();
        for (int i = 0; i < tokens.Count; i++)
        {
            foreach (char c in tokens[i])
            {
                if (c != MetaspaceReplacement)
                    text.Append(c);
                else if (i > 0)
                    text.Append(' ');
            }
        }
        return text.ToString();
    }
}
