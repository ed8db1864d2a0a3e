using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Turns rows of text (or text pairs) into <see cref="EncodedExample"/>s with a model's <see cref="TextEncodingSettings"/>:
/// the one place the ML.NET layer tokenizes for training and scoring, so both always encode alike.
/// </summary>
internal static class TextExampleEncoder
{
    /// <summary>Encodes every row; a row cut into sliding windows yields several examples with its index as <see cref="EncodedExample.SourceIndex"/>.</summary>
    public static IReadOnlyList<EncodedExample> Encode(DebertaTokenizerBase tokenizer, IReadOnlyList<string> texts,
        IReadOnlyList<string>? pairs, TextEncodingSettings settings) =>
        ExampleEncoder.Encode(tokenizer, texts, pairs, settings.MaxLength, settings.Strategy, settings.Stride);
}
