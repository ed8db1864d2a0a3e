using System.Text.Json;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

internal sealed partial class TokenizerCasesRunner
{
    private void CompareMeta(JsonElement meta)
    {
        JsonElement? batchTexts = meta.TryGetProperty("batch_texts", out JsonElement texts) ? texts : null;
        foreach (JsonProperty entry in meta.EnumerateObject())
        {
            string where = $"{_file} meta {entry.Name}";
            switch (entry.Name)
            {
                case "special_tokens":
                    foreach (JsonProperty role in entry.Value.EnumerateObject())
                        _compare.Value($"{where}.{role.Name}", role.Value.GetString(), RoleToken(role.Name));
                    break;
                case "all_special_ids":
                    _compare.Sequence(where, GoldenJson.Ints(entry.Value), _tokenizer.AllSpecialIds);
                    break;
                case "vocab_size":
                    _compare.Value(where, entry.Value.GetInt32(), _tokenizer.ModelVocabularySize);
                    break;
                case "len":
                    _compare.Value(where, entry.Value.GetInt32(), _tokenizer.VocabularySize);
                    break;
                case "mask_id":
                    _compare.Value(where, entry.Value.GetInt32(), _tokenizer.MaskTokenId);
                    break;
                case "batch_texts":
                    break; // used by batch_padded
                case "batch_padded":
                    CompareBatch(where, batchTexts, entry.Value);
                    break;
                case var name when name.StartsWith("build_inputs_") || name.StartsWith("get_special_tokens_mask_") || name.StartsWith("token_type_ids_"):
                    CompareHelper(where, name, entry.Value);
                    break;
                case var name when s_informationalMeta.Contains(name):
                    break;
                default:
                    if (entry.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
                        _compare.Fail($"{where}: unknown meta entry holding data; the test does not know how to compare it.");
                    else
                        Console.WriteLine($"  note: {where} = {entry.Value.GetRawText()} (informational)");
                    break;
            }
        }
    }

    private string? RoleToken(string role) => role switch
    {
        "bos_token" or "cls_token" => _tokenizer.ClsToken,
        "eos_token" or "sep_token" => _tokenizer.SepToken,
        "unk_token" => _tokenizer.UnkToken,
        "pad_token" => _tokenizer.PadToken,
        "mask_token" => _tokenizer.MaskToken,
        _ => $"(no role '{role}')",
    };

    private void CompareBatch(string where, JsonElement? texts, JsonElement expected)
    {
        if (texts is null)
        {
            _compare.Fail($"{where}: no batch_texts to encode.");
            return;
        }
        IReadOnlyList<DebertaEncoding> batch = _tokenizer.EncodeBatch(GoldenJson.Strings(texts.Value), new DebertaEncodeOptions { Padding = DebertaPadding.Longest });
        foreach (JsonProperty field in expected.EnumerateObject())
        {
            JsonElement[] rows = field.Value.EnumerateArray().ToArray();
            _compare.Value($"{where} {field.Name} rows", rows.Length, batch.Count);
            for (int i = 0; i < Math.Min(rows.Length, batch.Count); i++)
                CompareField($"{where} row {i}", field.Name, rows[i], batch[i]);
        }
    }

    /// <summary>
    /// Helper outputs are stored without their inputs; the inputs are read back from the output's structure
    /// ([CLS] A [SEP] B [SEP], or the runs of 0/1) and the helper must rebuild exactly that output.
    /// </summary>
    private void CompareHelper(string where, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            _compare.Fail($"{where}: expected a list of ints.");
            return;
        }
        int[] expected = GoldenJson.Ints(value);
        bool pair = name.EndsWith("_pair", StringComparison.Ordinal);
        if (name.StartsWith("build_inputs_"))
        {
            int firstSep = Array.IndexOf(expected, _tokenizer.SepTokenId, 1);
            int[] a = firstSep > 0 ? expected[1..firstSep] : [];
            int[]? b = pair && firstSep > 0 ? expected[(firstSep + 1)..^1] : null;
            _compare.Sequence(where, expected, _tokenizer.BuildInputsWithSpecialTokens(a, b));
        }
        else if (name.StartsWith("get_special_tokens_mask_"))
        {
            int secondOne = Array.IndexOf(expected, 1, 1);
            int lengthA = Math.Max(secondOne - 1, 0);
            int[]? b = pair ? new int[Math.Max(expected.Length - lengthA - 3, 0)] : null;
            _compare.Sequence(where, expected, _tokenizer.GetSpecialTokensMask(new int[lengthA], b));
        }
        else
        {
            int zeros = expected.Count(x => x == 0), ones = expected.Length - zeros;
            _compare.Sequence(where, expected, _tokenizer.CreateTokenTypeIdsFromSequences(new int[Math.Max(zeros - 2, 0)], pair ? new int[Math.Max(ones - 1, 0)] : null));
        }
    }
}
