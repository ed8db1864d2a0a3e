using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Options of <c>mlContext.Transforms.Deberta.Tokenize</c>: which tokenizer, which text column(s), and how the
/// ids are shaped. The outputs are <c>Vector&lt;Int64&gt;</c> columns (input ids, attention mask, token type ids),
/// as a Hugging Face tokenizer returns them with <c>return_tensors="pt"</c>.
/// </summary>
public sealed class TokenizationOptions
{
    /// <summary>
    /// A Hugging Face tokenizer folder: DeBERTa v1 (<c>vocab.json</c> + <c>merges.txt</c>, or <c>tokenizer.json</c>) or
    /// v2/v3 (<c>spm.model</c>). Set this or <see cref="Tokenizer"/>.
    /// </summary>
    public string? TokenizerFolder;

    /// <summary>A tokenizer already loaded. Set this or <see cref="TokenizerFolder"/>.</summary>
    public DebertaTokenizerBase? Tokenizer;

    /// <summary>The text column (String).</summary>
    public string TextColumnName = "Text";

    /// <summary>The second text column of a pair (encoded as <c>[CLS] A [SEP] B [SEP]</c>), or null.</summary>
    public string? TextPairColumnName;

    /// <summary>The output column of token ids.</summary>
    public string InputIdsColumnName = "InputIds";

    /// <summary>The output column of the attention mask (1 for tokens, 0 for padding).</summary>
    public string AttentionMaskColumnName = "AttentionMask";

    /// <summary>The output column of the token type ids (0 for the first text, 1 for the second).</summary>
    public string TokenTypeIdsColumnName = "TokenTypeIds";

    /// <summary>The maximum number of tokens per row, special tokens included (what <see cref="Truncation"/> cuts to).</summary>
    public int MaxLength = 512;

    /// <summary>
    /// Pad every row with <c>[PAD]</c> to <see cref="MaxLength"/>, so the outputs are fixed-size vectors
    /// (<c>Vector&lt;Int64, MaxLength&gt;</c>); otherwise they are variable-length vectors with no padding.
    /// </summary>
    public bool PadToMaxLength;

    /// <summary>How a row longer than <see cref="MaxLength"/> is cut (transformers' <c>truncation=</c>); <see cref="DebertaTruncation.None"/> keeps every token and cannot be combined with <see cref="PadToMaxLength"/>.</summary>
    public DebertaTruncation Truncation = DebertaTruncation.LongestFirst;
}
