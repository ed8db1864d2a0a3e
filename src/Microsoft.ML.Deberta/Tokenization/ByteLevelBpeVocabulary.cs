using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// A byte-level BPE vocabulary (token → id) and merge list (by rank), read from <c>vocab.json</c> +
/// <c>merges.txt</c> or from the <c>model</c> of a <c>tokenizer.json</c>, and checked the way the
/// <c>tokenizers</c> library checks them, with errors that name the file, the line or the token.
/// </summary>
internal sealed class ByteLevelBpeVocabulary
{
    // Ids above this are refused: the id → token table is an array.
    private const int MaxId = 1 << 24;

    private ByteLevelBpeVocabulary(Dictionary<string, int> vocabulary, List<(string Left, string Right)> merges)
    {
        Vocabulary = vocabulary;
        Merges = merges;
    }

    public Dictionary<string, int> Vocabulary { get; }

    public List<(string Left, string Right)> Merges { get; }

    public static ByteLevelBpeVocabulary FromFiles(string vocabPath, string mergesPath)
    {
        JsonElement vocabJson = TokenizerJsonFile.ReadObject(vocabPath);
        if (!File.Exists(mergesPath))
            throw new FileNotFoundException($"Tokenizer file '{mergesPath}' does not exist.", mergesPath);
        var merges = new List<(string, string)>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(mergesPath, new UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"Tokenizer file '{mergesPath}' is not valid UTF-8: {e.Message}", e);
        }
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("#version", StringComparison.Ordinal))
                continue;
            string[] parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new InvalidDataException(
                    $"Tokenizer file '{mergesPath}' line {i + 1}: a merge must be two tokens separated by one space, got \"{Shorten(line)}\".");
            merges.Add((parts[0], parts[1]));
        }
        return Create(ReadVocabulary(vocabJson, vocabPath), merges, mergesPath);
    }

    /// <summary>Reads the <c>model</c> object of a <c>tokenizer.json</c> whose type is BPE.</summary>
    public static ByteLevelBpeVocabulary FromTokenizerJsonModel(JsonElement model, string path)
    {
        if (!model.TryGetProperty("vocab", out JsonElement vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw TokenizerJsonFile.Invalid(path, "\"model.vocab\" must be an object mapping tokens to ids.");
        if (!model.TryGetProperty("merges", out JsonElement mergeList) || mergeList.ValueKind != JsonValueKind.Array)
            throw TokenizerJsonFile.Invalid(path, "\"model.merges\" must be an array.");
        var merges = new List<(string, string)>();
        int rank = 0;
        foreach (JsonElement merge in mergeList.EnumerateArray())
        {
            rank++;
            string[]? parts = merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!.Split(' '),
                JsonValueKind.Array when merge.GetArrayLength() == 2 && merge.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String)
                    => merge.EnumerateArray().Select(p => p.GetString()!).ToArray(),
                _ => null,
            };
            if (parts is not { Length: 2 } || parts[0].Length == 0 || parts[1].Length == 0)
                throw TokenizerJsonFile.Invalid(path, $"merge {rank} of \"model.merges\" must be \"a b\" or [\"a\", \"b\"], got {Shorten(merge.GetRawText())}.");
            merges.Add((parts[0], parts[1]));
        }
        return Create(ReadVocabulary(vocab, path), merges, path);
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElement vocab, string path)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var owner = new Dictionary<int, string>();
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0 || id >= MaxId)
                throw TokenizerJsonFile.Invalid(path, $"the id of token \"{Shorten(entry.Name)}\" must be an integer in 0…{MaxId - 1}, got {Shorten(entry.Value.GetRawText())}.");
            if (owner.TryGetValue(id, out string? other))
                throw TokenizerJsonFile.Invalid(path, $"tokens \"{Shorten(other)}\" and \"{Shorten(entry.Name)}\" both have id {id}.");
            if (!result.TryAdd(entry.Name, id))
                throw TokenizerJsonFile.Invalid(path, $"token \"{Shorten(entry.Name)}\" appears twice.");
            owner[id] = entry.Name;
        }
        if (result.Count == 0)
            throw TokenizerJsonFile.Invalid(path, "the vocabulary is empty.");
        return result;
    }

    private static ByteLevelBpeVocabulary Create(Dictionary<string, int> vocabulary, List<(string, string)> merges, string mergesPath)
    {
        for (int b = 0; b < 256; b++)
        {
            string symbol = ByteLevelAlphabet.ByteToChar(b).ToString();
            if (!vocabulary.ContainsKey(symbol))
                throw new InvalidDataException(
                    $"The vocabulary has no token for byte 0x{b:X2} (\"{symbol}\"); a byte-level BPE vocabulary needs all 256.");
        }
        var seen = new HashSet<(string, string)>();
        for (int i = 0; i < merges.Count; i++)
        {
            (string left, string right) = merges[i];
            string where = $"Tokenizer file '{mergesPath}': merge {i + 1} \"{Shorten(left)} {Shorten(right)}\"";
            if (!vocabulary.ContainsKey(left) || !vocabulary.ContainsKey(right))
                throw new InvalidDataException($"{where} uses a token that is not in the vocabulary.");
            if (!vocabulary.ContainsKey(left + right))
                throw new InvalidDataException($"{where} makes \"{Shorten(left + right)}\", which is not in the vocabulary.");
            if (!seen.Add((left, right)))
                throw new InvalidDataException($"{where} appears twice.");
        }
        return new ByteLevelBpeVocabulary(vocabulary, merges);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
