using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tests.Tokenization.SentencePiece;

/// <summary>Loading, vocabulary access, bad input and speed of <see cref="SentencePieceUnigramModel"/>.</summary>
[TestClass]
public sealed class SentencePieceUnigramModelTests
{
    private static readonly string ModelPath =
        Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "tokenizer", "deberta-v3", "spm.model");

    private static SentencePieceUnigramModel? s_model;

    public TestContext TestContext { get; set; } = null!;

    private static SentencePieceUnigramModel Model => s_model ??= SentencePieceUnigramModel.Load(ModelPath);

    [TestMethod]
    public void VocabularyEqualsTheSpmVocabFileWrittenBySentencePiece()
    {
        // spm.vocab was written by sentencepiece's trainer next to spm.model: "piece<TAB>score" in id order.
        var lines = File.ReadAllLines(Path.ChangeExtension(ModelPath, ".vocab"), Encoding.UTF8);
        Assert.AreEqual(lines.Length, Model.PieceCount);
        for (int id = 0; id < lines.Length; id++)
        {
            var fields = lines[id].Split('\t');
            Assert.AreEqual(fields[0], Model.IdToPiece(id), $"piece {id}");
            Assert.AreEqual(id, Model.PieceToId(fields[0]), $"id of {fields[0]}");
            Assert.AreEqual(float.Parse(fields[1], CultureInfo.InvariantCulture), Model.GetScore(id), 1e-4f, $"score {id}");
        }
    }

    [TestMethod]
    public void SpecialPiecesAreTheDebertaV3Ones()
    {
        Assert.AreEqual(1000, Model.PieceCount);
        Assert.AreEqual(3, Model.UnkId);
        Assert.AreEqual(1, Model.BosId);
        Assert.AreEqual(2, Model.EosId);
        Assert.AreEqual(0, Model.PadId);
        Assert.AreEqual("[UNK]", Model.IdToPiece(Model.UnkId));
        Assert.IsTrue(Model.IsUnknown(3));
        Assert.IsTrue(Model.IsControl(0) && Model.IsControl(1) && Model.IsControl(2));
        Assert.IsFalse(Model.IsControl(4) || Model.IsUnknown(4));
        Assert.AreEqual(SentencePieceType.Normal, Model.GetPieceType(4));
        Assert.AreEqual(-1, Model.PieceToId("[MASK]"), "DeBERTa-v3's [MASK] is an added token, not an spm piece");
        Assert.IsFalse(Model.ByteFallback);
        Assert.IsTrue(Model.AddDummyPrefix);
        Assert.IsTrue(Model.RemoveExtraWhitespaces);
        Assert.AreEqual("nmt_nfkc", Model.NormalizerName);
    }

    [TestMethod]
    public void SerializedModelIsTheLoadedBytesAndLoadsTheSameModelFromAStream()
    {
        byte[] file = File.ReadAllBytes(ModelPath);
        CollectionAssert.AreEqual(file, Model.SerializedModel.ToArray());
        var again = SentencePieceUnigramModel.Load(new MemoryStream(Model.SerializedModel.ToArray()));
        const string text = "The GNU General Public License, version 3.";
        CollectionAssert.AreEqual(Model.Encode(text).ToArray(), again.Encode(text).ToArray());
    }

    [TestMethod]
    public void IdsOutsideTheVocabularyAreRejectedClearly()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Model.IdToPiece(-1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Model.IdToPiece(1000));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Model.IsControl(5000));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Model.Decode([5, 1000]));
        StringAssert.Contains(e.Message, "1000");
        Assert.ThrowsExactly<ArgumentNullException>(() => Model.Decode(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => Model.PieceToId(null!));
        Assert.AreEqual("", Model.Decode([]));
    }

    [TestMethod]
    public void NullEmptyAndWhitespaceOnlyText()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => Model.Encode((string)null!));
        Assert.IsEmpty(Model.Encode(""));
        Assert.IsEmpty(Model.Encode(ReadOnlySpan<char>.Empty));
        Assert.IsEmpty(Model.Encode(" \t\n\r\u00a0\u3000  "));
    }

    [TestMethod]
    public void LoneSurrogatesAreReadAsReplacementCharacters()
    {
        // UTF-8 cannot represent a lone surrogate; it is read as U+FFFD (which DeBERTa-v3's map turns into a space).
        // Every reference text with U+FFFD must encode identically with lone surrogates in its place (one UTF-16
        // unit each, so the spans are the same too).
        using var doc = System.Text.Json.JsonDocument.Parse(SentencePieceReferenceData.Json);
        var golden = doc.RootElement.GetProperty("variants")[0];
        Assert.AreEqual("golden", golden.GetProperty("name").GetString());
        int compared = 0;
        foreach (var c in golden.GetProperty("cases").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            if (!text.Contains('\uFFFD'))
                continue;
            var expected = Model.Encode(text).ToArray();
            CollectionAssert.AreEqual(expected, Model.Encode(text.Replace('\uFFFD', '\uD800')).ToArray(), text);
            CollectionAssert.AreEqual(expected, Model.Encode(text.Replace('\uFFFD', '\uDFFF')).ToArray(), text);
            compared++;
        }
        Assert.IsGreaterThanOrEqualTo(3, compared);
        // A high surrogate followed by a valid pair: the first is lone, the pair stays one character.
        CollectionAssert.AreEqual(Model.Encode("\uFFFD\U0001F44D x").ToArray(), Model.Encode("\uD83D\U0001F44D x").ToArray());
        Assert.IsEmpty(Model.Encode(new string('\uDC00', 3)));
    }

    [TestMethod]
    public void ControlCharactersAreRemovedOrKeptAsTheCharacterMapSays()
    {
        // sentencepiece 0.1.97 on this model: "a\x07b" -> ▁a [0,2) b [2,3) (the deleted \x07 is covered by the
        // piece before it); "a\x00b" -> ▁a [0,1) \x00 [1,2) (unknown: no rule for NUL) b [2,3); "\x07" -> nothing.
        Assert.IsEmpty(Model.Encode("\u0007"));
        CollectionAssert.AreEqual(
            new[] { new SentencePiecePiece(10, "▁a", 0, 2), new SentencePiecePiece(82, "b", 2, 3) },
            Model.Encode("a\u0007b").ToArray());
        CollectionAssert.AreEqual(
            new[] { new SentencePiecePiece(10, "▁a", 0, 1), new SentencePiecePiece(3, "\0", 1, 2), new SentencePiecePiece(82, "b", 2, 3) },
            Model.Encode("a\0b").ToArray());
    }

    [TestMethod]
    public void MissingFileDirectoryAndBadArgumentsGiveClearExceptions()
    {
        using var folder = new TemporaryDirectory();
        string missing = folder.File("spm.model");
        var notFound = Assert.ThrowsExactly<FileNotFoundException>(() => SentencePieceUnigramModel.Load(missing));
        StringAssert.Contains(notFound.Message, missing);
        var directory = Assert.ThrowsExactly<FileNotFoundException>(() => SentencePieceUnigramModel.Load(folder.Path));
        StringAssert.Contains(directory.Message, "directory");
        Assert.ThrowsExactly<ArgumentNullException>(() => SentencePieceUnigramModel.Load((string)null!));
        Assert.ThrowsExactly<ArgumentException>(() => SentencePieceUnigramModel.Load(""));
        Assert.ThrowsExactly<ArgumentNullException>(() => SentencePieceUnigramModel.Load((Stream)null!));
    }

    [TestMethod]
    public void GarbageEmptyAndForeignFilesAreNotModels()
    {
        var rng = new Random(7);
        var garbage = new List<byte[]>
        {
            Array.Empty<byte>(),
            Encoding.UTF8.GetBytes("This is a text file, not a SentencePiece model.\n"),
            Encoding.UTF8.GetBytes("{\"model\": {\"type\": \"Unigram\"}}"),
            new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F },   // a piece field claiming 4 GB
            new byte[] { 0x08, 0x01 },                          // field 1 (pieces) with the wrong wire type
        };
        for (int i = 0; i < 50; i++)
        {
            var bytes = new byte[rng.Next(1, 4096)];
            rng.NextBytes(bytes);
            garbage.Add(bytes);
        }
        foreach (var bytes in garbage)
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => SentencePieceUnigramModel.Load(new MemoryStream(bytes)),
                $"{bytes.Length} bytes starting {Convert.ToHexString(bytes.AsSpan(0, Math.Min(8, bytes.Length)))}");
            StringAssert.Contains(e.Message, "SentencePiece model");
        }

        using var folder = new TemporaryDirectory();
        string path = folder.Write("spm.model", "not a model");
        var fileError = Assert.ThrowsExactly<InvalidDataException>(() => SentencePieceUnigramModel.Load(path));
        StringAssert.Contains(fileError.Message, path);
    }

    [TestMethod]
    public void TruncatedModelsAreRejectedOrLoadAsTheCompleteFieldsBeforeTheCut()
    {
        byte[] full = File.ReadAllBytes(ModelPath);
        var rng = new Random(11);
        var cuts = new List<int> { 1, 2, 3, 10, 100, full.Length / 2, full.Length - 1 };
        for (int i = 0; i < 40; i++)
            cuts.Add(rng.Next(1, full.Length));
        int rejected = 0;
        foreach (int cut in cuts)
        {
            // A cut between two pieces leaves a shorter but well-formed ModelProto, which sentencepiece loads too (as
            // long as the unknown piece survived); a cut anywhere else must be reported as a corrupt model.
            try
            {
                var model = SentencePieceUnigramModel.Load(new MemoryStream(full, 0, cut));
                Assert.IsLessThan(1000, model.PieceCount, $"cut at {cut} loaded a complete model");
                Assert.IsLessThan(20_000, cut, $"cut at {cut} is past the pieces, in the normaliser spec");
            }
            catch (InvalidDataException e)
            {
                StringAssert.Contains(e.Message, "SentencePiece model");
                rejected++;
            }
        }
        Assert.IsGreaterThan(cuts.Count - 5, rejected);
        foreach (int cut in new[] { full.Length / 2, full.Length - 1, full.Length - 100_000 })
            Assert.ThrowsExactly<InvalidDataException>(() => SentencePieceUnigramModel.Load(new MemoryStream(full, 0, cut)), $"cut at {cut}");
    }

    [TestMethod]
    public void OtherModelTypesAreNotSupported()
    {
        byte[] golden = File.ReadAllBytes(ModelPath);
        // trainer_spec { model_type: BPE (2) }, merged into the model's trainer spec.
        byte[] bpe = [.. golden, .. SentencePieceParityTests.ProtoField(2, [0x18, 0x02])];
        var e = Assert.ThrowsExactly<NotSupportedException>(() => SentencePieceUnigramModel.Load(new MemoryStream(bpe)));
        StringAssert.Contains(e.Message, "BPE");
        byte[] word = [.. golden, .. SentencePieceParityTests.ProtoField(2, [0x18, 0x03])];
        Assert.ThrowsExactly<NotSupportedException>(() => SentencePieceUnigramModel.Load(new MemoryStream(word)));
    }

    [TestMethod]
    public void InconsistentModelsAreRejected()
    {
        byte[] golden = File.ReadAllBytes(ModelPath);
        static byte[] Piece(string text, byte type) =>
            SentencePieceParityTests.ProtoField(1, [.. SentencePieceParityTests.ProtoField(1, Encoding.UTF8.GetBytes(text)), 0x18, type]);

        var cases = new Dictionary<string, byte[]>
        {
            ["no unknown piece"] = Piece("a", 1),
            ["two unknown pieces"] = [.. golden, .. Piece("<unk2>", 2)],
            ["duplicate piece"] = [.. golden, .. Piece("▁the", 1)],
            ["empty piece"] = [.. golden, .. SentencePieceParityTests.ProtoField(1, [0x18, 0x01])],
            ["byte piece without byte_fallback"] = [.. golden, .. Piece("<0x41>", 6)],
            ["byte_fallback without byte pieces"] = [.. golden, .. SentencePieceParityTests.ProtoField(2, [0x98, 0x02, 0x01])],
            ["only an unknown piece"] = Piece("<unk>", 2),
            ["charsmap trie larger than the map"] =
                [.. golden, .. SentencePieceParityTests.ProtoField(3, SentencePieceParityTests.ProtoField(2, [0xFF, 0xFF, 0x00, 0x00, 1, 2, 3, 4]))],
            ["charsmap of three bytes"] =
                [.. golden, .. SentencePieceParityTests.ProtoField(3, SentencePieceParityTests.ProtoField(2, [1, 2, 3]))],
        };
        foreach (var (name, bytes) in cases)
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => SentencePieceUnigramModel.Load(new MemoryStream(bytes)), name);
            TestContext.WriteLine($"{name}: {e.Message}");
        }
    }

    [TestMethod]
    public void EncodesAMegabyteOfEnglishQuicklyAndConsistently()
    {
        const string unit = "The licenses for most software and other practical works are designed to take away your " +
                            "freedom to share and change the works. By contrast, the GNU General Public License is " +
                            "intended to guarantee your freedom to share and change all versions of a program. ";
        var text = new StringBuilder();
        while (text.Length < 1 << 20)
            text.Append(unit);
        string megabyte = text.ToString();

        Model.Encode(unit);   // warm up
        var watch = Stopwatch.StartNew();
        var pieces = Model.Encode(megabyte);
        watch.Stop();
        double seconds = watch.Elapsed.TotalSeconds;
        TestContext.WriteLine(
            $"SentencePiece encode: {megabyte.Length:N0} chars -> {pieces.Count:N0} pieces in {seconds * 1000:F0} ms " +
            $"= {pieces.Count / seconds:N0} tokens/s, {megabyte.Length / seconds / 1e6:F1} M chars/s");

        // Every repetition of the unit starts a new word, so the encoding is the unit's encoding repeated.
        var unitPieces = Model.Encode(unit);
        int repeats = megabyte.Length / unit.Length;
        Assert.AreEqual(unitPieces.Count * repeats, pieces.Count);
        for (int r = 0; r < repeats; r += 997)
        {
            for (int i = 0; i < unitPieces.Count; i++)
            {
                var p = pieces[r * unitPieces.Count + i];
                var u = unitPieces[i];
                int shift = r * unit.Length;
                // After the first repetition, the first "▁The" starts at the space that ends the previous one.
                int start = i == 0 && r > 0 ? shift - 1 : u.Start + shift;
                Assert.AreEqual((u.Id, start, u.End + shift), (p.Id, p.Start, p.End), $"repeat {r}, piece {i}");
            }
        }
        Assert.IsLessThan(20.0, seconds, "1 MB must not take long");
    }

    [TestMethod]
    public void PathologicalMegabyteInputsFinish()
    {
        var inputs = new Dictionary<string, string>
        {
            ["one letter repeated"] = new string('a', 1 << 20),
            ["unknown characters"] = string.Concat(Enumerable.Repeat("日本語のテキスト", (1 << 20) / 8)),
            ["spaces"] = new string(' ', 1 << 20),
            ["control characters"] = string.Concat(Enumerable.Repeat("\u0007\u0000", 1 << 19)),
            ["lone surrogates"] = new string('\uD800', 1 << 20),
            ["digits without spaces"] = string.Concat(Enumerable.Range(0, 200_000).Select(i => i.ToString(CultureInfo.InvariantCulture))),
        };
        foreach (var (name, input) in inputs)
        {
            var watch = Stopwatch.StartNew();
            var pieces = Model.Encode(input);
            watch.Stop();
            TestContext.WriteLine($"{name}: {input.Length:N0} chars -> {pieces.Count:N0} pieces in {watch.ElapsedMilliseconds} ms");
            Assert.IsLessThan(20.0, watch.Elapsed.TotalSeconds, name);
            int previousEnd = 0;
            foreach (var p in pieces)
            {
                Assert.IsTrue(p.Start >= previousEnd && p.End >= p.Start && p.End <= input.Length, name);
                previousEnd = p.End;
            }
        }
        // A run of unknown characters is one piece however long it is.
        string cjk = inputs["unknown characters"];
        var unknown = Model.Encode(cjk);
        Assert.AreEqual(2, unknown.Count);
        Assert.AreEqual((Model.UnkId, 0, cjk.Length, cjk), (unknown[1].Id, unknown[1].Start, unknown[1].End, unknown[1].Piece));
    }

    [TestMethod]
    public void ConcurrentEncodingGivesTheSameResults()
    {
        string[] texts = ["Hello world", "日本語 テキスト", "The GNU General Public License", "  spaced   out  ", "ﬁ ＡＢＣ \u0007"];
        var expected = texts.Select(t => Model.Encode(t).ToArray()).ToArray();
        Parallel.For(0, 400, i =>
        {
            var actual = Model.Encode(texts[i % texts.Length]).ToArray();
            CollectionAssert.AreEqual(expected[i % texts.Length], actual);
        });
    }
}
