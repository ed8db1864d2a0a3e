using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>The reference v3 tokenizer (tokenizer/deberta-v3/spm.model, 1,000 pieces), loaded once.</summary>
internal static class V2Tokenizers
{
    private static readonly Lazy<DebertaV2Tokenizer> s_v3 = new(() => DebertaV2Tokenizer.FromFolder(Folder));

    public static string Folder => GoldenData.Bundled("tokenizer", "deberta-v3");

    public static DebertaV2Tokenizer V3 => s_v3.Value;
}
