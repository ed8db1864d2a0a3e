using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;
using Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>InferencePrecision</c> on every ML.NET step besides fitted text classification (that one:
/// <see cref="BFloat16TextClassifierTests"/>): each step, fitted or applied to a checkpoint as it is, scores in bfloat16
/// when asked — its scores move from the float32 step's (the conversion happened) by bfloat16 rounding, no more — and
/// keeps its precision and its exact scores through a .zip; an undefined precision is refused when the step is created.
/// </summary>
[TestClass]
public sealed class BFloat16TaskInferenceTests
{
    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private sealed class PairRow
    {
        public string Query { get; set; } = "";

        public string Passage { get; set; } = "";
    }

    private static readonly string[] Texts =
    [
        "The food was great and the staff were friendly.",
        "I waited forty minutes for a cold burger.",
        "Best tacos in town, we will be back next week!",
        "The room was noisy and the bed was hard.",
        "Service was slow but the pasta made up for it.",
    ];

    private string _folder = "";

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("deberta-bf16-task-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static IDataView TextData(MLContext mlContext, bool masked = false) =>
        mlContext.Data.LoadFromEnumerable(Texts.Select(t => new TextRow { Text = masked ? MaskThirdWord(t) : t }).ToList());

    private static string MaskThirdWord(string text) => string.Join(" ", text.Split(' ').Select((word, i) => i == 2 ? "[MASK]" : word));

    // Fits the step in float32 and in bfloat16 on `data`; the bfloat16 scores must differ from float32's by more than
    // nothing and at most `bound`, and the bfloat16 model saved and loaded again must give its scores exactly.
    // Bound 0.01 everywhere (the tolerance of bfloat16 logits on the golden models). Measured max |Δ| here (Xeon,
    // AVX512-BF16): fitted NER 1.3e-5, fitted QA 8.5e-7, ApplyTextModel 9.2e-5, ApplyTokenClassificationModel 3.7e-4,
    // ApplyQuestionAnsweringModel 5.0e-5, TextEmbedding 2.0e-3, FillMask 3.3e-6, TextPairScoring 3.0e-4, zero-shot 8.2e-5.
    private void AssertBFloat16ScoresCloseAndSurviveTheZip(
        string task, Func<DebertaPrecision, IEstimator<ITransformer>> estimator, IDataView data, Func<ITransformer, float[][]> scores, double bound)
    {
        var mlContext = new MLContext(seed: 1);
        var float32 = estimator(DebertaPrecision.Float32).Fit(data);
        var bfloat16 = estimator(DebertaPrecision.BFloat16).Fit(data);
        ITransformer? loaded = null;
        try
        {
            var expected = scores(float32);
            var actual = scores(bfloat16);
            Assert.IsNotEmpty(expected, $"{task}: no scores");
            double worst = ScoreComparison.MaxAbsDifference(expected, actual, task);
            TestContext.WriteLine($"bf16 vs fp32 {task}: {expected.Length} rows, max |Δ| of the scores {worst:E2}");
            Assert.IsGreaterThan(0.0, worst, $"{task}: bfloat16 scores equal float32's: the conversion did not happen");
            Assert.IsLessThanOrEqualTo(bound, worst, $"{task}: max |Δ| {worst}");

            var path = Path.Combine(_folder, $"{task}.zip");
            DebertaModelIO.Save(mlContext, bfloat16, data.Schema, path);
            loaded = DebertaModelIO.Load(new MLContext(seed: 3), path, out _);
            var reloaded = scores(loaded);
            // A payload loaded in float32 would score its bfloat16-rounded weights in float32: close, but not equal.
            for (int i = 0; i < actual.Length; i++)
                CollectionAssert.AreEqual(actual[i], reloaded[i], $"{task}, row {i}: the same scores after loading the .zip");
        }
        finally
        {
            foreach (var model in new[] { float32, bfloat16, loaded })
                (model as IDisposable)?.Dispose();
        }
    }

    private static float[][] VectorScores(ITransformer model, IDataView data, string column = "Score") =>
        [.. model.Transform(data).GetColumn<float[]>(column)];

    [TestMethod]
    public void AFittedTokenClassifierScoresInBFloat16()
    {
        var mlContext = new MLContext(seed: 1);
        var all = mlContext.Data.TakeRows(mlContext.Data.LoadFromConllFile(NerData.YelpConll), 48);
        var data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(all).Transform(all);
        AssertBFloat16ScoresCloseAndSurviveTheZip("TokenClassification", precision => mlContext.Transforms.Deberta.TokenClassification(new TokenClassificationOptions
        {
            Config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2), TokenizerFolder = DebertaTestData.V1TokenizerFolder,
            MaxLength = 32, BatchSize = 16, Epochs = 1, LearningRate = 5e-3, Seed = 5, InferencePrecision = precision,
        }), data, model => VectorScores(model, data), bound: 0.01);
    }

    [TestMethod]
    public void AFittedQuestionAnsweringModelScoresInBFloat16()
    {
        var mlContext = new MLContext(seed: 1);
        var training = mlContext.Data.LoadFromEnumerable(QuestionAnsweringPersistenceTests.Inputs(heldOut: false, 24));
        var heldOut = mlContext.Data.LoadFromEnumerable(QuestionAnsweringPersistenceTests.Inputs(heldOut: true, 8));
        AssertBFloat16ScoresCloseAndSurviveTheZip("QuestionAnswering", precision => mlContext.Transforms.Deberta.QuestionAnswering(new DebertaQuestionAnsweringOptions
        {
            Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, MaxSeqLength = 48, DocStride = 16,
            Epochs = 1, BatchSize = 16, LearningRate = 1e-3, Seed = 1, InferencePrecision = precision,
        }), training, model => VectorScores(model, heldOut), bound: 0.01);
    }

    [TestMethod]
    public void CheckpointsAppliedAsTheyAreScoreInBFloat16()
    {
        var mlContext = new MLContext(seed: 1);
        var deberta = mlContext.Transforms.Deberta;
        var texts = TextData(mlContext);
        AssertBFloat16ScoresCloseAndSurviveTheZip("ApplyTextModel",
            precision => deberta.ApplyTextModel(GoldenData.Bundled("pipelines", "v1_seqcls"), maxLength: 32, inferencePrecision: precision),
            texts, model => VectorScores(model, texts), bound: 0.01);
        AssertBFloat16ScoresCloseAndSurviveTheZip("ApplyTokenClassificationModel",
            precision => deberta.ApplyTokenClassificationModel(NerData.PipelineTokenClassifier, maxLength: 32, inferencePrecision: precision),
            texts, model => VectorScores(model, texts), bound: 0.01);

        var questions = mlContext.Data.LoadFromEnumerable(QuestionAnsweringPersistenceTests.Inputs(heldOut: true, 6));
        AssertBFloat16ScoresCloseAndSurviveTheZip("ApplyQuestionAnsweringModel", precision => deberta.ApplyQuestionAnsweringModel(new DebertaQuestionAnsweringOptions
        {
            ModelFolder = GoldenData.Bundled("pipelines", "v1_qa"), MaxSeqLength = 64, DocStride = 16, TopK = 2, InferencePrecision = precision,
        }), questions, model => VectorScores(model, questions), bound: 0.01);
    }

    [TestMethod]
    public void EmbeddingsFillMaskPairScoringAndZeroShotScoreInBFloat16()
    {
        var mlContext = new MLContext(seed: 1);
        var deberta = mlContext.Transforms.Deberta;
        var texts = TextData(mlContext);
        AssertBFloat16ScoresCloseAndSurviveTheZip("TextEmbedding", precision => deberta.TextEmbedding(new TextEmbeddingOptions
        {
            ModelFolder = GoldenData.Bundled("pipelines", "v1_seqcls"), MaxLength = 32, InferencePrecision = precision,
        }), texts, model => VectorScores(model, texts, "Features"), bound: 0.01);

        var masked = TextData(mlContext, masked: true);
        AssertBFloat16ScoresCloseAndSurviveTheZip("FillMask", precision => deberta.FillMask(new FillMaskOptions
        {
            ModelFolder = GoldenData.Bundled("pipelines", "v3_mlm"), TopK = 3, MaxLength = 32, InferencePrecision = precision,
        }), masked, model => VectorScores(model, masked), bound: 0.01);

        using var crossEncoder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        // The golden cross-encoder's vocabulary is 128 ids: texts of single characters stay inside it.
        var queries = DebertaTestData.SingleCharacterTexts(2, seed: 5);
        var pairs = mlContext.Data.LoadFromEnumerable(DebertaTestData.SingleCharacterTexts(6, seed: 6)
            .Select((passage, i) => new PairRow { Query = queries[i % 2], Passage = passage }).ToList());
        AssertBFloat16ScoresCloseAndSurviveTheZip("TextPairScoring", precision => deberta.TextPairScoring(new TextPairScoringOptions
        {
            ModelFolder = crossEncoder.Path, MaxLength = 48, InferencePrecision = precision,
        }), pairs, model => [.. model.Transform(pairs).GetColumn<float>("Score").Select(s => new[] { s })], bound: 0.01);

        using var nli = NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment");
        AssertBFloat16ScoresCloseAndSurviveTheZip("ZeroShotClassification", precision => deberta.ZeroShotClassification(new ZeroShotClassificationOptions
        {
            ModelFolder = nli.Path, CandidateLabels = ["food", "service", "room"], MaxLength = 48, InferencePrecision = precision,
        }), texts, model => VectorScores(model, texts), bound: 0.01);
    }

    [TestMethod]
    public void AnUndefinedInferencePrecisionIsRefusedWhenTheStepIsCreated()
    {
        var deberta = new MLContext(seed: 1).Transforms.Deberta;
        var undefined = (DebertaPrecision)9;
        using var crossEncoder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        var steps = new (string Step, Action Create)[]
        {
            ("TokenClassification", () => deberta.TokenClassification(new TokenClassificationOptions
                { Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, InferencePrecision = undefined })),
            ("QuestionAnswering", () => deberta.QuestionAnswering(new DebertaQuestionAnsweringOptions
                { Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, InferencePrecision = undefined })),
            ("ApplyQuestionAnsweringModel", () => deberta.ApplyQuestionAnsweringModel(new DebertaQuestionAnsweringOptions
                { ModelFolder = GoldenData.Bundled("pipelines", "v1_qa"), InferencePrecision = undefined })),
            ("ApplyTextModel", () => deberta.ApplyTextModel(GoldenData.Bundled("pipelines", "v1_seqcls"), inferencePrecision: undefined)),
            ("ApplyTokenClassificationModel", () => deberta.ApplyTokenClassificationModel(NerData.PipelineTokenClassifier, inferencePrecision: undefined)),
            ("TextEmbedding", () => deberta.TextEmbedding(new TextEmbeddingOptions
                { ModelFolder = GoldenData.Bundled("pipelines", "v1_seqcls"), InferencePrecision = undefined })),
            ("FillMask", () => deberta.FillMask(new FillMaskOptions { ModelFolder = GoldenData.Bundled("pipelines", "v3_mlm"), InferencePrecision = undefined })),
            ("TextPairScoring", () => deberta.TextPairScoring(new TextPairScoringOptions { ModelFolder = crossEncoder.Path, InferencePrecision = undefined })),
            ("ZeroShotClassification", () => deberta.ZeroShotClassification(new ZeroShotClassificationOptions
                { ModelFolder = GoldenData.Bundled("pipelines", "v3_seqcls"), CandidateLabels = ["food", "service"], InferencePrecision = undefined })),
        };
        foreach (var (step, create) in steps)
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(create, step);
            StringAssert.Contains(error.Message, $"{step}: ", step);
            StringAssert.Contains(error.Message.ToLowerInvariant(), "inferenceprecision must be float32 or bfloat16", step);
        }
    }
}
