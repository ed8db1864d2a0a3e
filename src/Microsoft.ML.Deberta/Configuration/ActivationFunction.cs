namespace Microsoft.ML.Deberta.Configuration;

/// <summary>The activations a DeBERTa config may name (<c>hidden_act</c>, <c>pooler_hidden_act</c>, <c>conv_act</c>).</summary>
public enum ActivationFunction
{
    /// <summary><c>"gelu"</c>: the exact GELU, 0.5·x·(1 + erf(x/√2)). Every released checkpoint uses it.</summary>
    Gelu,

    /// <summary><c>"gelu_new"</c>: the tanh approximation of GELU as transformers writes it out.</summary>
    GeluNew,

    /// <summary><c>"relu"</c>.</summary>
    Relu,

    /// <summary><c>"tanh"</c>.</summary>
    Tanh,
}
