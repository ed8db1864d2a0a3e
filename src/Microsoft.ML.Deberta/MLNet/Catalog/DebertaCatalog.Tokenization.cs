using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Tokenizes a text column (or a pair) into the model inputs: <c>InputIds</c>, <c>AttentionMask</c> and
    /// <c>TokenTypeIds</c>, as <c>Vector&lt;Int64&gt;</c> columns (fixed-size when <paramref name="padToMaxLength"/>).
    /// Rows longer than <paramref name="maxLength"/> are truncated (longest text first for a pair).
    /// </summary>
    /// <param name="tokenizerFolder">A Hugging Face tokenizer folder (DeBERTa v1 or v2/v3); read now.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="textPairColumnName">The second text column of a pair, or null.</param>
    /// <param name="maxLength">The maximum number of tokens per row, special tokens included.</param>
    /// <param name="padToMaxLength">Pad every row to <paramref name="maxLength"/> (fixed-size vectors).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no tokenizer.</exception>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public TokenizationEstimator Tokenize(string tokenizerFolder, string textColumnName = "Text", string? textPairColumnName = null,
        int maxLength = 512, bool padToMaxLength = false) =>
        Tokenize(new TokenizationOptions
        {
            TokenizerFolder = tokenizerFolder,
            TextColumnName = textColumnName,
            TextPairColumnName = textPairColumnName,
            MaxLength = maxLength,
            PadToMaxLength = padToMaxLength,
        });

    /// <summary>Tokenizes a text column (or a pair) into the model inputs; see <see cref="TokenizationOptions"/>.</summary>
    /// <param name="options">The tokenizer (or its folder), columns and lengths.</param>
    /// <exception cref="DirectoryNotFoundException">The tokenizer folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no tokenizer.</exception>
    /// <exception cref="ArgumentException">Neither or both of a tokenizer and a folder are given, or an option is out of range.</exception>
    public TokenizationEstimator Tokenize(TokenizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = TokenizationSettings.From(options);
        DebertaTokenizerBase tokenizer = (options.Tokenizer, options.TokenizerFolder) switch
        {
            ({ } given, null) => given,
            (null, { } folder) => TokenizerFiles.Load(folder, "Tokenize: the tokenizer folder"),
            (null, null) => throw new ArgumentException("Give a tokenizer: set TokenizerFolder or Tokenizer.", nameof(options)),
            _ => throw new ArgumentException("Set either TokenizerFolder or Tokenizer, not both.", nameof(options)),
        };
        return new TokenizationEstimator(tokenizer, settings);
    }
}
