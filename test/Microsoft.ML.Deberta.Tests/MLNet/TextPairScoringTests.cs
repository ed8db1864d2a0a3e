using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>TextPairScoring</c> with a single-logit sequence classifier (transformers' reference regression head): scores
/// equal the logits computed pair by pair through the model API (raw, or their sigmoid), <c>TextPairRanking</c> orders
/// passages per query by them, the step loads in a fresh process, and a multi-label checkpoint is refused.
/// </summary>
[TestClass]
public sealed class TextPairScoringTests
{
    public sealed class Pair
    {
        public string Query { get; set; } = "";

        public string Passage { get; set; } = "";
    }

    private static List<Pair> Pairs()
    {
        var queries = DebertaTestData.SingleCharacterTexts(3, seed: 5);
        var passages = DebertaTestData.SingleCharacterTexts(12, seed: 6);
        return passages.Select((p, i) => new Pair { Query = queries[i % 3], Passage = p }).ToList();
    }

    private static float[] ReferenceLogits(string folder, IEnumerable<Pair> pairs)
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder);
        return pairs.Select(pair =>
        {
            var encoding = tokenizer.Encode(pair.Query, pair.Passage, new DebertaEncodeOptions { MaxLength = 512, Truncation = DebertaTruncation.LongestFirst });
            using var inputs = DebertaInputBatch.FromEncodings([encoding], tokenizer.PadTokenId);
            using var output = model.Predict(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
            return output.Logits.data<float>().Single();
        }).ToArray();
    }

    [TestMethod]
    public void ScoresAreTheCrossEncoderLogitsAndRankPassagesPerQuery()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        string crossEncoderFolder = checkpoint.Path;
        var mlContext = new MLContext(seed: 1);
        var pairs = Pairs();
        var data = mlContext.Data.LoadFromEnumerable(pairs);
        var logits = ReferenceLogits(crossEncoderFolder, pairs);

        using var raw = mlContext.Transforms.Deberta.TextPairScoring(crossEncoderFolder, batchSize: 5).Fit(data);
        var rawScores = raw.Transform(data).GetColumn<float>("Score").ToArray();

        // ---- as in docs/mlnet-guide.md (TextPairScoring) ----
        var scorer = mlContext.Transforms.Deberta.TextPairScoring(crossEncoderFolder, queryColumnName: "Query", passageColumnName: "Passage", sigmoid: true)
            .Fit(data);
        IReadOnlyList<QueryRanking> rankings = TextPairRanking.Rank(scorer.Transform(data), topK: 3);
        foreach (var ranking in rankings)
            Console.WriteLine($"{ranking.Query}: {string.Join(" > ", ranking.Passages.Select(p => $"{p.Passage} ({p.Score:F3})"))}");
        // ---- end ----

        var sigmoidScores = scorer.Transform(data).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.AreEqual(logits[i], rawScores[i], 1e-5, $"pair {i}: raw logit");
            Assert.AreEqual(1 / (1 + Math.Exp(-logits[i])), sigmoidScores[i], 1e-6, $"pair {i}: sigmoid");
        }
        Assert.HasCount(3, rankings);
        foreach (var ranking in rankings)
        {
            var expected = pairs.Select((p, i) => (p, i)).Where(x => x.p.Query == ranking.Query)
                .OrderByDescending(x => logits[x.i]).Take(3).Select(x => x.p.Passage).ToArray();
            CollectionAssert.AreEqual(expected, ranking.Passages.Select(p => p.Passage).ToArray(), $"ranking of '{ranking.Query}'");
        }
        scorer.Dispose();
    }

    [TestMethod]
    public void APairScorerLoadsInAFreshProcessWithIdenticalScores()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        var folder = Directory.CreateTempSubdirectory("deberta-pair-scoring-tests-").FullName;
        try
        {
            var mlContext = new MLContext(seed: 1);
            var rowsPath = Path.Combine(folder, "rows.tsv");
            File.WriteAllLines(rowsPath, Pairs().Select(p => $"{p.Query}\t{p.Passage}"));
            var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
            var model = mlContext.Transforms.Deberta.TextPairScoring(new TextPairScoringOptions
            {
                ModelFolder = checkpoint.Path, QueryColumnName = "Text", PassageColumnName = "Label", Sigmoid = true, BatchSize = 4,
            }).Fit(data);
            var expected = PredictionDump.Lines(model.Transform(data), "Score");
            var modelPath = Path.Combine(folder, "pair-scorer.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, modelPath);
            model.Dispose();
            var outputPath = Path.Combine(folder, "child-output.txt");
            var result = ChildProcess.Run(["predict-builtin", modelPath, rowsPath, outputPath, "Score"], TimeSpan.FromMinutes(3));
            Assert.AreEqual(0, result.ExitCode, result.Output);
            CollectionAssert.AreEqual(expected, File.ReadAllLines(outputPath).Take(expected.Count).ToArray(), "same scores (sigmoid kept) in a fresh process");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ACheckpointWithSeveralLabelsOrAMissingColumnIsAClearError()
    {
        var mlContext = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.TextPairScoring(DebertaTestData.GoldenSequenceClassifier));
        StringAssert.Contains(e.Message, "is not a single-logit cross-encoder");
        StringAssert.Contains(e.Message, "ApplyTextModel");

        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        var data = mlContext.Data.LoadFromEnumerable(Pairs());
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextPairScoring(checkpoint.Path, passageColumnName: "Document").Fit(data));
        StringAssert.Contains(missing.Message, "Document");
        using var scorer = mlContext.Transforms.Deberta.TextPairScoring(checkpoint.Path).Fit(data);
        var rank = Assert.Throws<ArgumentOutOfRangeException>(() => TextPairRanking.Rank(scorer.Transform(data), queryColumnName: "Question"));
        StringAssert.Contains(rank.Message, "no column 'Question'");
    }
}
