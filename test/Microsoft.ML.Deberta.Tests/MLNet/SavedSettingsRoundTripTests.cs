using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Every setting a DeBERTa step uses when it scores survives a save and load: the forward-pass batch size, the
/// encoding (max length, long-text strategy, stride), columns, output convention and names, labels, and the Tokenize
/// step's settings. Non-default values throughout, so a setting that falls back to its default is caught.
/// </summary>
[TestClass]
public sealed class SavedSettingsRoundTripTests
{
    private string _folder = "";

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("deberta-settings-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static TextClassificationOptions Options(bool binary) => new()
    {
        Config = DebertaTestData.SmallConfig(),
        TokenizerFolder = DebertaTestData.V1TokenizerFolder,
        TextColumnName = "Text",
        TextPairColumnName = "Second",
        ScoreColumnName = "MyScore",
        PredictedLabelColumnName = "MyPrediction",
        ProbabilityColumnName = "MyProbability",
        BinaryOutputs = binary,
        MaxLength = 24,
        LongTextStrategy = LongTextStrategy.SlidingWindows,
        Stride = 3,
        BatchSize = 8,
        Epochs = 1,
        Seed = 2,
        InferenceBatchSize = 3,
    };

    private static IEnumerable<ITransformer> Steps(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Steps) : [model];

    private static string Describe(TextScoringTransformer step)
    {
        var scorer = (DebertaTextScorer)step.Scorer;
        var p = step.Predictions;
        return string.Join("\n",
            $"transformer batch {step.BatchSize}", $"columns {step.Columns}", $"payload {step.PayloadKind}", $"outputs {step.OutputSize}",
            $"kind {p.Kind}", $"names {p.Names}", $"classes {p.ClassCount}", $"boolean label {p.BooleanLabel}",
            $"key values {p.KeyValues?.ItemType} [{string.Join(",", p.KeyValues?.Names ?? [])}]",
            $"forward batch {scorer.BatchSize}", $"encoding {scorer.Encoding}", $"tokenizer {scorer.Tokenizer.GetType().Name} {scorer.Tokenizer.VocabularySize}");
    }

    [TestMethod]
    [DataRow(false, DisplayName = "multiclass")]
    [DataRow(true, DisplayName = "binary outputs")]
    public void EveryScoringSettingRoundTrips(bool binary)
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(12).Where(r => !binary || r.Label != "tech").ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var pipeline = mlContext.Transforms.Deberta.Tokenize(new TokenizationOptions
            {
                TokenizerFolder = DebertaTestData.V1TokenizerFolder,
                TextColumnName = "Second",
                TextPairColumnName = "Text",
                InputIdsColumnName = "Ids",
                AttentionMaskColumnName = "Mask",
                TokenTypeIdsColumnName = "Types",
                MaxLength = 20,
                PadToMaxLength = true,
                Truncation = DebertaTruncation.OnlySecond,
            })
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
            .Append(mlContext.Transforms.Deberta.TextClassification(Options(binary)));
        var model = pipeline.Fit(data);
        var path = Path.Combine(_folder, "model.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        var loaded = DebertaModelIO.Load(new MLContext(seed: 5), path, out _);

        var scoring = Steps(model).OfType<TextScoringTransformer>().Single();
        var loadedScoring = Steps(loaded).OfType<TextScoringTransformer>().Single();
        Assert.AreEqual(3, ((DebertaTextScorer)scoring.Scorer).BatchSize, "the trained model's forward batch, for reference");
        Assert.AreEqual(Describe(scoring), Describe(loadedScoring));

        var tokenize = Steps(model).OfType<TokenizationTransformer>().Single();
        var loadedTokenize = Steps(loaded).OfType<TokenizationTransformer>().Single();
        Assert.AreEqual(tokenize.Settings, loadedTokenize.Settings);
        Assert.AreEqual(tokenize.Tokenizer.VocabularySize, loadedTokenize.Tokenizer.VocabularySize);

        var input = mlContext.Data.LoadFromEnumerable(rows.Take(7));
        string column = binary ? "MyProbability" : "MyScore";
        CollectionAssert.AreEqual(PredictionDump.Lines(model.Transform(input), column), PredictionDump.Lines(loaded.Transform(input), column));
        ((IDisposable)model).Dispose();
        ((IDisposable)loaded).Dispose();
    }
}
