using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Fuzz.Targets;

/// <summary>
/// Tokenizer files, each loaded through <see cref="DebertaTokenizerBase.FromFolder"/> (or
/// <see cref="DebertaV2Tokenizer.FromSentencePieceModel"/>) beside valid companions, then used: a tokenizer that loads
/// must also encode and decode awkward text without failing.
/// </summary>
internal static class TokenizerTargets
{
    // FromFolder's documented exceptions (DebertaV2Tokenizer.FromFolder's list, which DebertaTokenizer's matches).
    private static readonly Type[] Documented =
        [typeof(DirectoryNotFoundException), typeof(FileNotFoundException), typeof(InvalidDataException), typeof(NotSupportedException)];

    // Words, punctuation, accents, an emoji, a special token, a lone surrogate and a control character.
    private const string Text = "Hello world, naïve café! 😀 [MASK] don't \ud800 tab\tend\u0000.";

    public static FuzzTarget TokenizerJson { get; } = new("tokenizer-json", "tokenizer.json (Unigram or byte-level BPE)",
        (input, workspace) => LoadFolder(workspace, "tokenizer-json", "tokenizer.json", input),
        Documented);

    /// <summary>Beside the v3 tokenizer.json: the config decides the class, special tokens, lower-casing and more.</summary>
    public static FuzzTarget TokenizerConfig { get; } = new("tokenizer-config", "tokenizer_config.json",
        (input, workspace) => LoadFolder(workspace, "tokenizer-config", "tokenizer_config.json", input, "v3_seqcls/tokenizer.json"),
        Documented);

    public static FuzzTarget BpeVocab { get; } = new("bpe-vocab", "vocab.json of a byte-level BPE tokenizer (beside a valid merges.txt)",
        (input, workspace) => LoadFolder(workspace, "bpe-vocab", "vocab.json", input, "bpe/merges.txt"),
        Documented);

    public static FuzzTarget BpeMerges { get; } = new("bpe-merges", "merges.txt of a byte-level BPE tokenizer (beside a valid vocab.json)",
        (input, workspace) => LoadFolder(workspace, "bpe-merges", "merges.txt", input, "bpe/vocab.json"),
        Documented);

    public static FuzzTarget SentencePieceModel { get; } = new("spm-model", "spm.model (SentencePiece protobuf)",
        (input, workspace) =>
        {
            var path = Path.Combine(workspace.CleanFolder("spm-model"), "spm.model");
            File.WriteAllBytes(path, input);
            Use(DebertaV2Tokenizer.FromSentencePieceModel(path));
        },
        Documented);

    private static void LoadFolder(FuzzWorkspace workspace, string name, string fileName, byte[] input, params string[] companions)
    {
        var folder = workspace.FolderWith(name, companions);
        File.WriteAllBytes(Path.Combine(folder, fileName), input);
        Use(DebertaTokenizerBase.FromFolder(folder));
    }

    private static void Use(DebertaTokenizerBase tokenizer)
    {
        var encoding = tokenizer.Encode(Text, "a second text");
        _ = tokenizer.Decode(encoding.InputIds);
    }
}
