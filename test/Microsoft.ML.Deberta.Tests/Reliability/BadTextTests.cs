using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Reliability;

/// <summary>
/// The texts real data holds — null, empty, whitespace only, very long, lone surrogates, NUL and control characters,
/// right-to-left script with combining marks, emoji sequences, nothing but mask or special-token strings — through
/// every public entry point that takes text: each either answers with well-formed output (finite scores, offsets
/// inside the text that cut out the text they name) or refuses with the documented exception naming the row.
/// docs/reliability.md tables the behaviour per kind.
/// </summary>
[TestClass]
public sealed class BadTextTests
{
    // 1 MB for the tokenizers and the truncating steps; the windowing steps get 20 kB (still dozens of windows).
    private static readonly string Megabyte = string.Concat(Enumerable.Repeat("good food ", 100_000));
    private static readonly string Long = string.Concat(Enumerable.Repeat("good food ", 2_000));

    private static readonly (string Kind, string Text)[] Kinds =
    [
        ("empty", ""), ("whitespace only", " \t\n "), ("lone surrogates", "a\uD800b\uDC00c \uDC00"), ("NUL and control characters", "a\0b\u0007c\u001Bd\u0085e"),
        ("right-to-left and combining marks", "مرحبا بالعالم e\u0301 a\u0308 שלום"), ("emoji sequences", "👩‍👩‍👧‍👦 🇫🇷 👍🏽 great"),
        ("only the mask string", "[MASK]"), ("only special-token strings", "[CLS][SEP][PAD][UNK]<s></s>"),
    ];

    public sealed class Row
    {
        public string? Text { get; set; }
        public string? Question { get; set; }
        public string? Query { get; set; }
    }

    private static string Pipeline(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", name);

    public static IEnumerable<object[]> Tokenizers =>
    [
        ["v1 (vocab.json + merges.txt)", DebertaTestData.V1TokenizerFolder],
        ["v3 (spm.model)", Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "tokenizer", "deberta-v3")],
        ["v3 (tokenizer.json)", Pipeline("v3_seqcls")],
    ];

    [TestMethod]
    [DynamicData(nameof(Tokenizers))]
    public void TokenizersEncodeEveryKindOfTextWithOffsetsInsideIt(string name, string folder)
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        Assert.AreEqual("text", Assert.ThrowsExactly<ArgumentNullException>(() => tokenizer.Encode(null!)).ParamName, $"{name}: null text");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentNullException>(() => tokenizer.EncodeBatch(["ok", null!])).Message, "Text 1 of the batch is null");
        foreach (var (kind, text) in Kinds.Append(("1 MB of text", Megabyte)))
        {
            foreach (var encoding in new[] { tokenizer.Encode(text), tokenizer.Encode("a question", text), tokenizer.EncodeBatch([text, "ok"])[0] })
            {
                Assert.IsTrue(encoding.InputIds.All(id => id >= 0 && id < tokenizer.VocabularySize), $"{name}, {kind}: ids inside the vocabulary");
                Assert.AreEqual(tokenizer.ClsTokenId, encoding.InputIds[0], $"{name}, {kind}: [CLS] first");
                Assert.AreEqual(tokenizer.SepTokenId, encoding.InputIds[^1], $"{name}, {kind}: [SEP] last");
                Assert.IsTrue(encoding.Offsets.All(o => o.Start >= 0 && o.Start <= o.End && o.End <= Math.Max(text.Length, "a question".Length)), $"{name}, {kind}: offsets inside the text");
            }
            _ = tokenizer.Decode(tokenizer.Encode(text).InputIds);   // never throws
        }
        // A lone surrogate is not a character, and never an exception: v2/v3 read it as U+FFFD and then follow their
        // own normaliser (spm.model's nmt_nfkc map makes U+FFFD a space; transformers 5's tokenizer.json keeps it, an
        // unknown piece); byte-level v1 keeps its bytes, which decode as U+FFFD.
        var surrogate = tokenizer.Encode("a\uD800b").InputIds;
        if (tokenizer is DebertaV2Tokenizer)
            CollectionAssert.AreEqual(tokenizer.Encode("a\uFFFDb").InputIds.ToList(), surrogate.ToList(), $"{name}: {string.Join(" ", tokenizer.ConvertIdsToTokens(surrogate))}");
        else
            StringAssert.Contains(tokenizer.Decode(surrogate, skipSpecialTokens: true), "\uFFFD", name);
    }

    [TestMethod]
    public void ClassificationZeroShotAndTokenizeScoreEveryKindOfText()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Kinds.Append(("1 MB of text", Megabyte)).Select(k => new Row { Text = k.Item2 }).Append(new Row { Text = null }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);

        var classified = mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls")).Fit(data).Transform(data);
        foreach (var probabilities in classified.GetColumn<VBuffer<float>>("Score"))
            Assert.AreEqual(1.0, probabilities.DenseValues().Sum(), 1e-5, "classification: one distribution per row, null read as empty");

        var zeroShot = mlContext.Transforms.Deberta.ZeroShotClassification(NliFolder(), ["food", "service"]).Fit(data).Transform(data);
        Assert.AreEqual(rows.Count, zeroShot.GetColumn<VBuffer<float>>("Score").Count(s => Math.Abs(s.DenseValues().Sum() - 1) < 1e-5), "zero-shot: a distribution per row");

        var tokens = mlContext.Transforms.Deberta.Tokenize(DebertaTestData.V1TokenizerFolder, maxLength: 512).Fit(data).Transform(data);
        Assert.IsTrue(tokens.GetColumn<VBuffer<long>>("InputIds").All(ids => ids.Length is >= 2 and <= 512), "tokenize: [CLS] … [SEP], truncated to 512");
    }

    [TestMethod]
    public void TokenClassificationAndQuestionAnsweringGiveSpansThatCutOutTheirText()
    {
        var mlContext = new MLContext(seed: 1);
        var texts = Kinds.Append(("long text", Long)).Select(k => k.Item2).ToList();
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t, Question = "who came?" }));

        var ner = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(Pipeline("v1_tokcls")).Fit(data).Transform(data);
        var entities = mlContext.Data.CreateEnumerable<NerOutput>(ner, reuseRowObject: false).ToList();
        for (int r = 0; r < texts.Count; r++)
            for (int e = 0; e < entities[r].EntityText.Length; e++)
                Assert.AreEqual(texts[r][entities[r].EntityStart[e]..entities[r].EntityEnd[e]], entities[r].EntityText[e], $"NER row {r}: an entity's offsets cut out its text");

        // Whitespace-only contexts are answered (the pipeline only refuses empty ones); empty is refused below.
        var contexts = texts.Where(t => t.Length > 0).ToList();
        var qaData = mlContext.Data.LoadFromEnumerable(contexts.Select(t => new Row { Text = t, Question = "who came?" }));
        var qa = mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(Pipeline("v1_qa"), contextColumnName: "Text").Fit(qaData).Transform(qaData);
        var answers = mlContext.Data.CreateEnumerable<QaOutput>(qa, reuseRowObject: false).ToList();
        for (int r = 0; r < contexts.Count; r++)
            for (int a = 0; a < answers[r].Answer.Length; a++)
            {
                Assert.AreEqual(contexts[r][answers[r].Start[a]..answers[r].End[a]], answers[r].Answer[a], $"QA row {r}: the answer is the context between its offsets");
                Assert.IsTrue(float.IsFinite(answers[r].Score[a]), $"QA row {r}: a finite score");
            }
    }

    [TestMethod]
    public void EmbeddingsAndPairScoringScoreEveryNonEmptyKindAndRefuseEmptyTextNamingTheRow()
    {
        var mlContext = new MLContext(seed: 1);
        var texts = Kinds.Where(k => k.Text.Trim().Length > 0).Select(k => k.Text).Append(Long).ToList();
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t, Query = t }));
        var embedded = mlContext.Transforms.Deberta.TextEmbedding(Pipeline("v1_seqcls")).Fit(data).Transform(data);
        Assert.IsTrue(embedded.GetColumn<VBuffer<float>>("Features").All(v => v.Length > 0 && v.DenseValues().All(float.IsFinite)), "finite embeddings");

        var crossEncoder = SingleLogitCrossEncoder();
        var pairs = mlContext.Transforms.Deberta.TextPairScoring(crossEncoder, queryColumnName: "Query", passageColumnName: "Text").Fit(data).Transform(data);
        Assert.IsTrue(pairs.GetColumn<float>("Score").All(float.IsFinite), "finite pair scores");

        foreach (var blank in new string?[] { null, "", " \t\n " })
        {
            var one = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "fine" }, new Row { Text = blank } });
            var error = Assert.ThrowsExactly<InvalidDataException>(() =>
                mlContext.Transforms.Deberta.TextEmbedding(Pipeline("v1_seqcls")).Fit(one).Transform(one).GetColumn<VBuffer<float>>("Features").ToList());
            StringAssert.Contains(error.Message, "text 2 of a batch of 2 rows is empty");
        }
    }

    [TestMethod]
    public void FillMaskAndQuestionAnsweringRefuseTextsTheyCannotUseNamingTheRow()
    {
        var mlContext = new MLContext(seed: 1);
        foreach (var (kind, text) in Kinds.Where(k => k.Text != "[MASK]"))
        {
            var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "A [MASK] day." }, new Row { Text = text } });
            var error = Assert.ThrowsExactly<InvalidDataException>(() =>
                mlContext.Transforms.Deberta.FillMask(Pipeline("v3_mlm")).Fit(data).Transform(data).GetColumn<VBuffer<float>>("Score").ToList(), kind);
            StringAssert.Contains(error.Message, "text 2 of a batch of 2 rows", kind);
            StringAssert.Contains(error.Message, "holds no mask token", kind);
        }
        var onlyMask = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "[MASK]" } });
        Assert.IsTrue(mlContext.Transforms.Deberta.FillMask(Pipeline("v3_mlm")).Fit(onlyMask).Transform(onlyMask)
            .GetColumn<VBuffer<float>>("Score").Single().DenseValues().All(float.IsFinite), "a text that is only [MASK] is filled");

        foreach (var (question, context, expected) in new[] { ("", "Ann came.", "The question is empty"), ("who?", "", "The context is empty"), ("who?", (string?)null, "The context is empty") })
        {
            var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Question = question, Text = context } });
            var error = Assert.ThrowsExactly<InvalidDataException>(() =>
                mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(Pipeline("v1_qa"), contextColumnName: "Text").Fit(data).Transform(data).GetColumn<VBuffer<float>>("Score").ToList());
            StringAssert.StartsWith(error.Message, $"The row whose question is '{question}': {expected}");
            Assert.AreEqual(1, error.Message.Split("(Parameter").Length - 1 + 1, $"no repeated parameter suffix: {error.Message}");
        }
    }

    private static readonly List<string> TemporaryFolders = [];

    [ClassCleanup]
    public static void DeleteTemporaryFolders()
    {
        foreach (var folder in TemporaryFolders) Directory.Delete(folder, recursive: true);
    }

    private static string NewTemporaryFolder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        TemporaryFolders.Add(folder);
        return folder;
    }

    private static string NliFolder()
    {
        var folder = NewTemporaryFolder("deberta-bad-text-nli-");
        foreach (var file in Directory.GetFiles(Pipeline("v1_seqcls")))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("negative", "contradiction").Replace("positive", "entailment"));
        return folder;
    }

    // TextPairScoring needs a single-logit cross-encoder; the golden folders have 3-label heads, so build a tiny one.
    private static string SingleLogitCrossEncoder()
    {
        var folder = NewTemporaryFolder("deberta-bad-text-cross-encoder-");
        var config = DebertaTestData.SmallConfig();
        config.NumLabels = 1;
        using var model = new DebertaForSequenceClassification(config, seed: 3);
        model.eval();
        model.SavePretrained(folder);
        DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder).SavePretrained(folder);
        return folder;
    }

    private sealed class NerOutput
    {
        public string[] EntityText { get; set; } = [];
        public int[] EntityStart { get; set; } = [];
        public int[] EntityEnd { get; set; } = [];
    }

    private sealed class QaOutput
    {
        public string[] Answer { get; set; } = [];
        public float[] Score { get; set; } = [];
        public int[] Start { get; set; } = [];
        public int[] End { get; set; } = [];
    }
}
