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
        IReadOnlyList<string>? pairs, TextEncodingSettings settings)
    {
        // Interim encoding until Training's ExampleEncoder lands: truncation and sliding windows through the tokenizer.
        var options = new DebertaEncodeOptions
        {
            MaxLength = settings.MaxLength,
            Truncation = DebertaTruncation.LongestFirst,
            ReturnOverflowingTokens = settings.Strategy == LongTextStrategy.SlidingWindows,
            Stride = settings.Strategy == LongTextStrategy.SlidingWindows ? settings.Stride : 0,
        };
        var encodings = tokenizer.EncodeBatch(texts, pairs, options);
        return encodings.Select(e => new EncodedExample(e.InputIds.ToArray(), e.TokenTypeIds.ToArray(), e.SampleIndex)).ToArray();
    }
}
