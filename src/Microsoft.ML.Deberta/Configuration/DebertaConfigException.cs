namespace Microsoft.ML.Deberta.Configuration;

/// <summary>A DeBERTa configuration that cannot describe a model: a bad value, a missing field or sizes that disagree.</summary>
public sealed class DebertaConfigException : Exception
{
    /// <summary>Creates the exception for the named <c>config.json</c> field.</summary>
    /// <param name="fieldName">The <c>config.json</c> key at fault, e.g. <c>hidden_act</c>.</param>
    /// <param name="message">What is wrong, for people.</param>
    public DebertaConfigException(string fieldName, string message)
        : base(message)
    {
        FieldName = fieldName;
    }

    /// <summary>The <c>config.json</c> key at fault (as transformers spells it, e.g. <c>num_attention_heads</c>).</summary>
    public string FieldName { get; }
}
