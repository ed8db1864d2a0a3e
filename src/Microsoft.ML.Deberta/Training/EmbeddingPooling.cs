namespace Microsoft.ML.Deberta;

/// <summary>How the token vectors of the last layer become one vector per text.</summary>
public enum EmbeddingPooling
{
    /// <summary>The average of the tokens' vectors over the attention mask (padding left out; [CLS] and [SEP] included, as sentence-transformers' mean pooling does).</summary>
    Mean,

    /// <summary>The vector of the first token, <c>[CLS]</c>.</summary>
    Cls,

    /// <summary>The element-wise maximum over the tokens of the attention mask.</summary>
    Max,
}
