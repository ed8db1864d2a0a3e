using System.Text.Json;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tests.Tokenization.SentencePiece;

/// <summary>
/// SentencePieceUnigramModel against outputs of the <c>sentencepiece</c> library: the golden DeBERTa-v3 cases
/// (<c>tokenizer/*.cases.json</c> of tokenizer type deberta-v2, produced by sentencepiece 0.1.97) and
/// <see cref="SentencePieceReferenceData"/> (sentencepiece 0.1.97 on the golden model and variants of it).
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class SentencePieceParityTests
{
    // What the DeBERTa layer splits out of the text before it calls the SentencePiece engine; each chunk between
    // them is encoded on its own (and so gets its own dummy "▁"). [MASK] is not in spm.model: its id comes from the
    // cases file's meta.mask_id.
    private static readonly string[] SpecialTokens = ["[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"];

    public TestContext TestContext { get; set; } = null!;

    private static string GoldenRoot => GoldenData.Root;

    /// <summary>
    /// Every case of every applicable cases file: the whole <c>plain</c> encoding (special tokens placed as the
    /// DeBERTa layout does, [CLS] A [SEP] (B [SEP])) and, for single texts, <c>no_special</c>; ids, tokens and
    /// offsets (code points converted to UTF-16) must be equal.
    /// </summary>
    [TestMethod]
    public void GoldenCasesMatchPieceForPiece()
    {
        var files = Directory.GetFiles(GoldenData.RequireFolder("tokenizer"), "*.cases.json")
            .Where(f => !f.EndsWith(".transformers5.cases.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        int compared = 0, fileCount = 0;
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var meta = doc.RootElement.GetProperty("meta");
            if (meta.GetProperty("tokenizer_type").GetString() != "deberta-v2"
                || (meta.TryGetProperty("informational_only", out var info) && info.GetBoolean())
                || (meta.TryGetProperty("options", out var options) && options.EnumerateObject().Any()))
                continue;   // v1 files and option variants (lower-casing, punctuation splitting) are the DeBERTa layer's
            fileCount++;
            var model = SentencePieceUnigramModel.Load(Path.Combine(GoldenRoot, meta.GetProperty("tokenizer_dir").GetString()!, "spm.model"));
            int maskId = meta.GetProperty("mask_id").GetInt32();
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                string kind = c.GetProperty("kind").GetString()!;
                if (kind is not ("single" or "pair"))
                    continue;   // windows and pre-split words need truncation/word logic of the DeBERTa layer
                var segments = new List<string> { c.GetProperty("text").GetString()! };
                if (kind == "pair")
                    segments.Add(c.GetProperty("text_pair").GetString()!);
                string label = $"{Path.GetFileName(file)}: {JsonSerializer.Serialize(segments)}";

                var expected = ReadEncoding(c.GetProperty("plain"), segments);
                var actual = new List<Token> { Special(model, "[CLS]", maskId, 0, 0) };
                foreach (var segment in segments)
                {
                    actual.AddRange(EncodeLikeDebertaLayer(model, segment, maskId));
                    actual.Add(Special(model, "[SEP]", maskId, 0, 0));
                }
                AssertTokens(expected, actual, label + " (plain)");

                if (c.TryGetProperty("no_special", out var noSpecial))
                    AssertTokens(ReadEncoding(noSpecial, segments), EncodeLikeDebertaLayer(model, segments[0], maskId), label + " (no_special)");
                compared++;
            }
        }
        TestContext.WriteLine($"SentencePiece parity: {compared} golden cases compared in {fileCount} file(s) under {GoldenRoot}.");
        if (fileCount == 0)
            GoldenData.NothingToCompare($"no deberta-v2 cases file without options under {GoldenRoot}/tokenizer");
        Assert.IsGreaterThan(0, compared, "No case was compared.");
    }

    /// <summary>
    /// sentencepiece's own encodings and decodings of the golden model and of variants of it (normaliser flags,
    /// no character map, user-defined and unused pieces, byte fallback, whitespace as suffix, unknown surface,
    /// denormaliser), built by appending protobuf fields to the golden model's bytes.
    /// </summary>
    [TestMethod]
    public void LibraryReferenceEncodingsAndDecodingsMatch()
    {
        using var doc = JsonDocument.Parse(SentencePieceReferenceData.Json);
        byte[] golden = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "tokenizer", "deberta-v3", "spm.model"));
        int encodings = 0, decodings = 0;
        foreach (var variant in doc.RootElement.GetProperty("variants").EnumerateArray())
        {
            string name = variant.GetProperty("name").GetString()!;
            var model = SentencePieceUnigramModel.Load(new MemoryStream(VariantBytes(golden, variant)));
            Assert.AreEqual(variant.GetProperty("piece_count").GetInt32(), model.PieceCount, name);
            Assert.AreEqual(variant.GetProperty("unk_id").GetInt32(), model.UnkId, name);
            Assert.AreEqual(variant.GetProperty("bos_id").GetInt32(), model.BosId, name);
            Assert.AreEqual(variant.GetProperty("eos_id").GetInt32(), model.EosId, name);
            Assert.AreEqual(variant.GetProperty("pad_id").GetInt32(), model.PadId, name);

            foreach (var c in variant.GetProperty("cases").EnumerateArray())
            {
                string text = c.GetProperty("text").GetString()!;
                string label = $"{name}: {JsonSerializer.Serialize(text)}";
                var offsets = c.GetProperty("offsets").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32())).ToList();
                var expected = c.GetProperty("ids").EnumerateArray()
                    .Zip(c.GetProperty("pieces").EnumerateArray(), offsets)
                    .Select(t => new Token(t.First.GetInt32(), t.Second.GetString()!, ToUtf16(text, t.Third.Item1), ToUtf16(text, t.Third.Item2)))
                    .ToList();
                var actual = model.Encode(text).Select(p => new Token(p.Id, p.Piece, p.Start, p.End)).ToList();
                AssertTokens(expected, actual, label);
                Assert.AreEqual(c.GetProperty("decoded").GetString(), model.Decode(actual.Select(t => t.Id)), label + " (decoded)");
                encodings++;
            }
            foreach (var d in variant.GetProperty("decodes").EnumerateArray())
            {
                var ids = d.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToList();
                Assert.AreEqual(d.GetProperty("decoded").GetString(), model.Decode(ids), $"{name}: decode [{string.Join(", ", ids)}]");
                decodings++;
            }
        }
        TestContext.WriteLine($"SentencePiece parity: {encodings} encodings and {decodings} decodings equal to sentencepiece's.");
        Assert.IsGreaterThan(500, encodings);
    }

    /// <summary>The golden model with a variant's protobuf fields appended (see make_reference_data.py).</summary>
    internal static byte[] VariantBytes(byte[] golden, JsonElement variant)
    {
        var suffix = Convert.FromHexString(variant.GetProperty("append_hex").GetString()!);
        var bytes = golden.Concat(suffix);
        if (variant.GetProperty("denormalizer_flags_hex").GetString() is { } flagsHex)
        {
            // denormalizer_spec (field 5) = { precompiled_charsmap (field 2): the golden map, then the flags }.
            var map = ProtoField(2, SentencePieceModelProto.Parse(golden).Normalizer.PrecompiledCharsmap);
            bytes = bytes.Concat(ProtoField(5, [.. map, .. Convert.FromHexString(flagsHex)]));
        }
        return bytes.ToArray();
    }

    /// <summary>A length-delimited protobuf field.</summary>
    internal static byte[] ProtoField(int number, byte[] payload)
    {
        var result = new List<byte>();
        WriteVarint(result, (ulong)(number << 3 | 2));
        WriteVarint(result, (ulong)payload.Length);
        result.AddRange(payload);
        return [.. result];
    }

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }
        output.Add((byte)value);
    }

    private readonly record struct Token(int Id, string Piece, int Start, int End);

    /// <summary>Splits out literal special tokens and encodes each chunk, with offsets in the whole text.</summary>
    private static List<Token> EncodeLikeDebertaLayer(SentencePieceUnigramModel model, string text, int maskId)
    {
        var result = new List<Token>();
        int position = 0;
        while (true)
        {
            int next = text.Length;
            string? special = null;
            foreach (var candidate in SpecialTokens)
            {
                int at = text.IndexOf(candidate, position, StringComparison.Ordinal);
                if (at >= 0 && at < next)
                    (next, special) = (at, candidate);
            }
            foreach (var p in model.Encode(text.AsSpan(position, next - position)))
                result.Add(new Token(p.Id, p.Piece, p.Start + position, p.End + position));
            if (special is null)
                return result;
            result.Add(Special(model, special, maskId, next, next + special.Length));
            position = next + special.Length;
        }
    }

    private static Token Special(SentencePieceUnigramModel model, string token, int maskId, int start, int end) =>
        new(token == "[MASK]" ? maskId : model.PieceToId(token), token, start, end);

    /// <summary>Reads an encoding; offsets are converted from code points to UTF-16 in the segment they belong to.</summary>
    private static List<Token> ReadEncoding(JsonElement encoding, List<string> segments)
    {
        var ids = encoding.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var tokens = encoding.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToList();
        var offsets = encoding.GetProperty("offset_mapping").EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32())).ToList();
        Assert.AreEqual(ids.Count, tokens.Count);
        Assert.AreEqual(ids.Count, offsets.Count);
        var result = new List<Token>();
        int segment = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            string text = segments[Math.Min(segment, segments.Count - 1)];
            result.Add(new Token(ids[i], tokens[i], ToUtf16(text, offsets[i].Item1), ToUtf16(text, offsets[i].Item2)));
            if (tokens[i] == "[SEP]" && offsets[i] == (0, 0))
                segment++;   // the separator added by the layout ends a segment
        }
        return result;
    }

    /// <summary>The UTF-16 index of a code point offset in <paramref name="text"/>.</summary>
    private static int ToUtf16(string text, int codePointOffset)
    {
        int index = 0;
        for (int cp = 0; cp < codePointOffset; cp++)
        {
            Assert.IsLessThan(text.Length, index, $"code point offset {codePointOffset} is past the end of the text");
            index += char.IsSurrogatePair(text, index) ? 2 : 1;
        }
        return index;
    }

    private static void AssertTokens(List<Token> expected, List<Token> actual, string label)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.AreEqual(expected[i], actual[i], $"{label}: token {i}");
        Assert.AreEqual(expected.Count, actual.Count, $"{label}: token count");
    }
}
