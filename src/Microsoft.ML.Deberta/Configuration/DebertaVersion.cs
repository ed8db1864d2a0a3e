namespace Microsoft.ML.Deberta.Configuration;

/// <summary>The two DeBERTa architectures of Hugging Face transformers, told apart by <c>model_type</c>.</summary>
public enum DebertaVersion
{
    /// <summary>DeBERTa v1, <c>model_type: "deberta"</c> (<c>DebertaModel</c>).</summary>
    V1,

    /// <summary>DeBERTa v2 and v3, <c>model_type: "deberta-v2"</c> (<c>DebertaV2Model</c>; v3 is v2 trained differently).</summary>
    V2,
}
