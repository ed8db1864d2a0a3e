using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>The reference v1 tokenizers, loaded once per test run (loading parses 50k merges).</summary>
internal static class V1Tokenizers
{
    private static readonly Lazy<DebertaTokenizer> s_plain = new(() => DebertaTokenizer.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v1")));
    private static readonly Lazy<DebertaTokenizer> s_prefix = new(() => DebertaTokenizer.FromFolder(
        GoldenData.Bundled("tokenizer", "deberta-v1"), new DebertaTokenizerLoadOptions { AddPrefixSpace = true }));

    public static DebertaTokenizer Plain => s_plain.Value;

    public static DebertaTokenizer WithPrefixSpace => s_prefix.Value;

    public static IReadOnlyList<string> YelpSentences()
        => System.IO.File.ReadAllLines(System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt"))
            .Where(line => line.Length > 0)
            .Select(line => line[..line.LastIndexOf('\t')])
            .ToArray();
}
