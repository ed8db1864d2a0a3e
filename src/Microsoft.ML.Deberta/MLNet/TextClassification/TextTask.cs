namespace Microsoft.ML.Deberta.MLNet;

/// <summary>What a text model predicts from its label column.</summary>
internal enum TextTask
{
    /// <summary>A class: the label is a key (2 or more values) or a Boolean.</summary>
    Classification,

    /// <summary>A number: the label is a Single.</summary>
    Regression,
}
