using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// Compares one *.cases.json reference file with our tokenizers: every field of every case and the comparable
/// entries of its meta. Unknown case kinds, variants or fields are failures, never silently skipped.
/// </summary>
internal sealed partial class TokenizerCasesRunner
{
    private static readonly HashSet<string> s_informationalMeta =
    [
        "class", "fast", "semantics", "sentencepiece", "save_vocabulary_error", "save_vocabulary_files",
        "helpers_error", "informational_only", "tokenizer_type", "tokenizer_dir", "options",
    ];

    private readonly string _file;
    private readonly FieldComparison _compare = new();
    private DebertaTokenizerBase _tokenizer = null!;
    private bool _emulateEarlyExit;

    private TokenizerCasesRunner(string file) => _file = Path.GetFileName(file);

    public int Cases { get; private set; }

    public int Fields => _compare.Fields;

    public IReadOnlyList<string> Failures => _compare.Failures;

    public string Description { get; private set; } = "";

    public static TokenizerCasesRunner Run(string path, string root)
    {
        var runner = new TokenizerCasesRunner(path);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        runner.RunFile(document.RootElement, root);
        return runner;
    }

    private void RunFile(JsonElement file, string root)
    {
        if (!file.TryGetProperty("meta", out JsonElement meta) || !file.TryGetProperty("cases", out JsonElement cases))
        {
            _compare.Fail($"{_file}: no \"meta\" or no \"cases\"; cannot attribute the file to a tokenizer.");
            return;
        }
        try
        {
            _tokenizer = TokenizerFactory.Load(meta, root, out string description);
            Description = description;
        }
        catch (Exception e) when (e is not AssertFailedException)
        {
            _compare.Fail($"{_file}: cannot load the tokenizer its meta names: {e.GetType().Name}: {e.Message}");
            return;
        }
        // References written by tokenizers >= 0.23.1 through its Python binding carry that version's early exit.
        Version? tokenizers = GoldenData.TokenizersVersion(root);
        _emulateEarlyExit = meta.TryGetProperty("fast", out JsonElement fast) && fast.ValueKind == JsonValueKind.True
            && tokenizers is not null && tokenizers >= new Version(0, 23, 1);
        if (_emulateEarlyExit)
            Description += $"; emulating the early exit of tokenizers {tokenizers} for truncated variants";

        CompareMeta(meta);
        int index = 0;
        foreach (JsonElement testCase in cases.EnumerateArray())
        {
            Cases++;
            string where = $"{_file} case {index++}";
            try
            {
                RunCase(where, testCase);
            }
            catch (Exception e) when (e is not AssertFailedException)
            {
                _compare.Fail($"{where}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private void RunCase(string where, JsonElement testCase)
    {
        string kind = testCase.GetProperty("kind").GetString()!;
        switch (kind)
        {
            case "single":
            case "pair":
                string text = testCase.GetProperty("text").GetString()!;
                string? pair = kind == "pair" ? testCase.GetProperty("text_pair").GetString() : null;
                foreach (JsonProperty variant in testCase.EnumerateObject())
                    if (variant.Name is not ("kind" or "text" or "text_pair"))
                        RunVariant($"{where} ({kind}) {variant.Name}", variant.Name, variant.Value, text, pair);
                break;
            case "pair_overflow":
                RunOverflow(where, testCase);
                break;
            case "split_words":
                string[] words = GoldenJson.Strings(testCase.GetProperty("words"));
                CompareEncoding($"{where} (split_words)", testCase, _tokenizer.EncodeWords(words), ["kind", "words"]);
                break;
            default:
                _compare.Fail($"{where}: unknown case kind '{kind}'.");
                break;
        }
    }

    [GeneratedRegex(@"^trunc(?<max>\d+)(?:_(?<strategy>longest_first|only_first|only_second))?(?<pad>_pad)?(?<error>_error)?$")]
    private static partial Regex TruncatedVariant();

    private void RunVariant(string where, string name, JsonElement expected, string text, string? pair)
    {
        if (name == "tokenize")
        {
            if (pair is not null)
                _compare.Fail($"{where}: 'tokenize' of a pair is not defined.");
            else
                _compare.Sequence(where, GoldenJson.Strings(expected), _tokenizer.Tokenize(text));
            return;
        }
        DebertaEncodeOptions options;
        bool expectError = false;
        if (name == "plain")
            options = new DebertaEncodeOptions();
        else if (name == "no_special")
            options = new DebertaEncodeOptions { AddSpecialTokens = false };
        else if (TruncatedVariant().Match(name) is { Success: true } m)
        {
            options = new DebertaEncodeOptions
            {
                MaxLength = int.Parse(m.Groups["max"].Value),
                Truncation = m.Groups["strategy"].Value switch
                {
                    "only_first" => DebertaTruncation.OnlyFirst,
                    "only_second" => DebertaTruncation.OnlySecond,
                    _ => DebertaTruncation.LongestFirst,
                },
                Padding = m.Groups["pad"].Success ? DebertaPadding.MaxLength : DebertaPadding.None,
                EmulateTokenizersEarlyExit = _emulateEarlyExit,
            };
            expectError = m.Groups["error"].Success;
        }
        else
        {
            _compare.Fail($"{where}: unknown variant '{name}'.");
            return;
        }

        if (expectError)
        {
            string message = expected.GetString()!;
            try
            {
                _tokenizer.Encode(text, pair, options);
                _compare.Fail($"{where}: expected the error \"{message}\", but encoding succeeded.");
            }
            catch (ArgumentException e)
            {
                _compare.Value(where, true, e.Message.StartsWith(message, StringComparison.Ordinal));
            }
            return;
        }
        CompareEncoding(where, expected, _tokenizer.Encode(text, pair, options), []);
    }

    private void RunOverflow(string where, JsonElement testCase)
    {
        var options = new DebertaEncodeOptions
        {
            MaxLength = testCase.GetProperty("max_length").GetInt32(),
            Stride = testCase.GetProperty("stride").GetInt32(),
            Truncation = DebertaTruncation.OnlySecond,
            ReturnOverflowingTokens = true,
            Padding = DebertaPadding.MaxLength,
            EmulateTokenizersEarlyExit = _emulateEarlyExit,
        };
        IReadOnlyList<DebertaEncoding> windows = _tokenizer.EncodeBatch(
            [testCase.GetProperty("text").GetString()!], [testCase.GetProperty("text_pair").GetString()], options);
        foreach (JsonProperty field in testCase.EnumerateObject())
        {
            switch (field.Name)
            {
                case "kind" or "text" or "text_pair" or "max_length" or "stride":
                    break;
                case "sequence_ids":
                    int?[][] expected = GoldenJson.Rows(field.Value, GoldenJson.NullableInts);
                    _compare.Value($"{where} window count", expected.Length, windows.Count);
                    for (int w = 0; w < Math.Min(expected.Length, windows.Count); w++)
                        _compare.Sequence($"{where} window {w} sequence_ids", expected[w], windows[w].SequenceIds);
                    break;
                case "windows":
                    CompareWindows(where, field.Value, windows);
                    break;
                default:
                    _compare.Fail($"{where}: unknown field '{field.Name}'.");
                    break;
            }
        }
    }

    private void CompareWindows(string where, JsonElement expected, IReadOnlyList<DebertaEncoding> windows)
    {
        foreach (JsonProperty field in expected.EnumerateObject())
        {
            if (field.Name == "overflow_to_sample_mapping")
            {
                _compare.Sequence($"{where} overflow_to_sample_mapping", GoldenJson.Ints(field.Value), windows.Select(w => w.SampleIndex).ToArray());
                continue;
            }
            JsonElement[] rows = field.Value.EnumerateArray().ToArray();
            _compare.Value($"{where} {field.Name} window count", rows.Length, windows.Count);
            for (int w = 0; w < Math.Min(rows.Length, windows.Count); w++)
                CompareField($"{where} window {w}", field.Name, rows[w], windows[w]);
        }
    }

    private void CompareEncoding(string where, JsonElement expected, DebertaEncoding actual, string[] ignore)
    {
        foreach (JsonProperty field in expected.EnumerateObject())
            if (!ignore.Contains(field.Name))
                CompareField(where, field.Name, field.Value, actual);
    }

    private void CompareField(string where, string name, JsonElement value, DebertaEncoding actual)
    {
        string at = $"{where} {name}";
        switch (name)
        {
            case "input_ids": _compare.Sequence(at, GoldenJson.Ints(value), actual.InputIds); break;
            case "token_type_ids": _compare.Sequence(at, GoldenJson.Ints(value), actual.TokenTypeIds); break;
            case "attention_mask": _compare.Sequence(at, GoldenJson.Ints(value), actual.AttentionMask); break;
            case "special_tokens_mask": _compare.Sequence(at, GoldenJson.Ints(value), actual.SpecialTokensMask); break;
            case "offset_mapping": _compare.Sequence(at, GoldenJson.Offsets(value), actual.GetCodePointOffsets()); break;
            case "tokens": _compare.Sequence(at, GoldenJson.Strings(value), actual.Tokens); break;
            case "word_ids": _compare.Sequence(at, GoldenJson.NullableInts(value), actual.WordIds); break;
            case "sequence_ids": _compare.Sequence(at, GoldenJson.NullableInts(value), actual.SequenceIds); break;
            case "decoded": _compare.Value(at, value.GetString(), _tokenizer.Decode(actual.InputIds)); break;
            case "decoded_skip_special": _compare.Value(at, value.GetString(), _tokenizer.Decode(actual.InputIds, skipSpecialTokens: true)); break;
            default: _compare.Fail($"{at}: unknown field."); break;
        }
    }
}
