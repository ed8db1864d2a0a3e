using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Bad input to the real DeBERTa trainers gets a clear error before training starts (no progress report was made):
/// options, folders, checkpoints and configs that do not fit, and rows training cannot use.
/// </summary>
[TestClass]
public sealed class DebertaBadInputTests
{
    private static TextClassificationOptions FromScratch(List<TrainingProgress> reports) => new()
    {
        Config = DebertaTestData.SmallConfig(),
        TokenizerFolder = DebertaTestData.V1TokenizerFolder,
        MaxLength = 32,
        Epochs = 1,
        Seed = 1,
        Progress = new SynchronousProgress<TrainingProgress>(reports.Add),
    };

    /// <summary>A view that fails if a cursor is opened: proves an error came before any row was read.</summary>
    private sealed class UnreadableView(DataViewSchema schema) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema => schema;

        public long? GetRowCount() => null;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            throw new AssertFailedException("rows were read");

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            throw new AssertFailedException("rows were read");
    }

    private static IDataView Keyed(MLContext mlContext, IDataView data) => mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

    private static T FailsBeforeTraining<T>(Func<TextClassificationOptions, ITransformer> fit) where T : Exception
    {
        var reports = new List<TrainingProgress>();
        var e = Assert.Throws<T>(() => fit(FromScratch(reports)));
        Assert.IsEmpty(reports, "no training step ran");
        return e;
    }

    [TestMethod]
    public void OptionsAreCheckedWhenTheEstimatorIsCreated()
    {
        var deberta = new MLContext(seed: 1).Transforms.Deberta;
        void Bad<T>(Action<TextClassificationOptions> change, string fragment) where T : ArgumentException
        {
            var options = FromScratch([]);
            change(options);
            StringAssert.Contains(Assert.Throws<T>(() => deberta.TextClassification(options)).Message, fragment);
        }
        Bad<ArgumentException>(o => o.Config = null, "set ModelFolder");
        Bad<ArgumentException>(o => o.ModelFolder = "somewhere", "not both");
        Bad<ArgumentException>(o => o.TokenizerFolder = null, "needs TokenizerFolder");
        Bad<ArgumentOutOfRangeException>(o => o.LearningRate = 0, "learning rate");
        Bad<ArgumentOutOfRangeException>(o => o.LearningRate = double.NaN, "learning rate");
        Bad<ArgumentOutOfRangeException>(o => o.Epochs = 0, "Epochs");
        Bad<ArgumentOutOfRangeException>(o => o.BatchSize = 0, "BatchSize");
        Bad<ArgumentOutOfRangeException>(o => o.WarmupRatio = 1.5, "warm-up");
        Bad<ArgumentOutOfRangeException>(o => o.WeightDecay = -1, "WeightDecay");
        Bad<ArgumentOutOfRangeException>(o => o.MaxGradientNorm = double.PositiveInfinity, "MaxGradientNorm");
        Bad<ArgumentOutOfRangeException>(o => o.MaxLength = 2, "MaxLength");
        Bad<ArgumentOutOfRangeException>(o => o.Stride = 30, "Stride");
        Bad<ArgumentException>(o => o.EarlyStoppingPatience = 2, "needs a ValidationSet");
        Bad<ArgumentException>(o => o.TextColumnName = " ", "TextColumnName");
        Bad<ArgumentException>(o => o.PredictedLabelColumnName = "Score", "distinct");
        var regression = new TextRegressionOptions { Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, Epochs = -1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => deberta.TextRegression(regression));
    }

    [TestMethod]
    public void AMissingOrIncompleteModelFolderFailsBeforeAnyRowIsRead()
    {
        var mlContext = new MLContext(seed: 1);
        var unreadable = new UnreadableView(Keyed(mlContext, TestRows.View(mlContext, 6)).Schema);
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}");
        var e = FailsBeforeTraining<DirectoryNotFoundException>(o =>
        {
            var fromFolder = new TextClassificationOptions { ModelFolder = missing, Progress = o.Progress };
            return mlContext.Transforms.Deberta.TextClassification(fromFolder).Fit(unreadable);
        });
        StringAssert.Contains(e.Message, missing);
        StringAssert.Contains(e.Message, "TextClassification");
        StringAssert.Contains(Assert.Throws<DirectoryNotFoundException>(() => mlContext.Transforms.Deberta.TextClassification(missing).Fit(unreadable)).Message, missing);

        using (var noTokenizer = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", withTokenizer: false))
        {
            var noTokenizerError = Assert.Throws<FileNotFoundException>(() => mlContext.Transforms.Deberta.TextClassification(noTokenizer.Path).Fit(unreadable));
            StringAssert.Contains(noTokenizerError.Message, "TokenizerFolder");
        }
        using (var noConfig = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls"))
        {
            File.Delete(Path.Combine(noConfig.Path, "config.json"));
            StringAssert.Contains(Assert.Throws<FileNotFoundException>(() => mlContext.Transforms.Deberta.TextClassification(noConfig.Path).Fit(unreadable)).Message, "config.json");
        }
        using (var noWeights = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls"))
        {
            File.Delete(Path.Combine(noWeights.Path, "model.safetensors"));
            StringAssert.Contains(Assert.Throws<FileNotFoundException>(() => mlContext.Transforms.Deberta.TextClassification(noWeights.Path).Fit(unreadable)).Message, "no weights");
        }
        using var tokcls = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "tokcls");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.TextClassification(tokcls.Path).Fit(unreadable)).Message, "ReinitializeHead");
    }

    [TestMethod]
    public void AConfigThatDoesNotFitTheTokenizerOrTheLengthIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var data = Keyed(mlContext, TestRows.View(mlContext, 6));
        var e = FailsBeforeTraining<ArgumentException>(o =>
        {
            o.Config!.VocabSize = 1000;
            return mlContext.Transforms.Deberta.TextClassification(o).Fit(data);
        });
        StringAssert.Contains(e.Message, "vocab_size 1000");
        StringAssert.Contains(e.Message, $"{DebertaTestData.V1VocabularySize}");

        FailsBeforeTraining<DebertaConfigException>(o =>
        {
            o.Config!.NumAttentionHeads = 3; // 32 is not a multiple of 3
            return mlContext.Transforms.Deberta.TextClassification(o).Fit(data);
        });

        // Absolute positions: at most max_position_embeddings (64) tokens.
        using var absolute = CheckpointFolder.FromGolden("v1_absolute_only", "seqcls");
        var tooLong = new TextClassificationOptions { ModelFolder = absolute.Path, MaxLength = 128 };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.TextClassification(tooLong).Fit(data)).Message,
            "max_position_embeddings 64");
    }

    [TestMethod]
    public void TextsTheModelsVocabularyCannotHoldAreNamedBeforeTraining()
    {
        // The reference model has 128 ids; "football" tokenizes to ids far beyond them.
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        var mlContext = new MLContext(seed: 1);
        var data = Keyed(mlContext, TestRows.View(mlContext, 6));
        var reports = new List<TrainingProgress>();
        var options = new TextClassificationOptions { ModelFolder = folder.Path, ReinitializeHead = true, Progress = new SynchronousProgress<TrainingProgress>(reports.Add) };
        var e = Assert.Throws<InvalidDataException>(() => mlContext.Transforms.Deberta.TextClassification(options).Fit(data));
        StringAssert.Contains(e.Message, "Row 1 of the training data has token id");
        StringAssert.Contains(e.Message, "vocab_size 128");
        Assert.IsEmpty(reports);
    }

    [TestMethod]
    public void RowsTrainingCannotUseAreNamed()
    {
        var mlContext = new MLContext(seed: 1);

        var rows = TestRows.Make(9);
        rows[2].Text = "";
        var e = FailsBeforeTraining<InvalidDataException>(o => mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Deberta.TextClassification(o)).Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 3 of the training data has an empty text in column 'Text'");

        rows = TestRows.Make(9);
        rows[5].Text = null!;
        e = FailsBeforeTraining<InvalidDataException>(o => mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Deberta.TextClassification(o)).Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 6 of the training data has an empty text");

        rows = TestRows.Make(9);
        rows[4].Label = "weather"; // unknown to the fitted key mapping: a missing label
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(TestRows.View(mlContext, 9)).Transform(mlContext.Data.LoadFromEnumerable(rows));
        e = FailsBeforeTraining<InvalidDataException>(o => mlContext.Transforms.Deberta.TextClassification(o).Fit(keyed));
        StringAssert.Contains(e.Message, "Row 5 of the training data has a missing label");

        var outOfRange = new RawKeyView(2, ("fine", 1), ("odd", 3));
        e = FailsBeforeTraining<InvalidDataException>(o => mlContext.Transforms.Deberta.TextClassification(o).Fit(outOfRange));
        StringAssert.Contains(e.Message, "Row 2 of the training data has label key 3");
        StringAssert.Contains(e.Message, "outside 1..2");
    }

    [TestMethod]
    public void LabelsOfTheWrongTypeAreRefusedWithTheConversionToAdd()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        var e = FailsBeforeTraining<ArgumentOutOfRangeException>(o => mlContext.Transforms.Deberta.TextClassification(o).Fit(data));
        StringAssert.Contains(e.Message, "MapValueToKey(\"Label\")");
        var shape = Deberta.MLNet.SchemaShapes.FromSchema(data.Schema);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextClassification(FromScratch([])).GetOutputSchema(shape));
        StringAssert.Contains(e.Message, "MapValueToKey");

        var regression = new TextRegressionOptions { Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, LabelColumnName = "Topic" };
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextRegression(regression).Fit(data));
        StringAssert.Contains(r.Message, "ConvertType(\"Topic\"");
        regression.LabelColumnName = "Missing";
        StringAssert.Contains(Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextRegression(regression).Fit(data)).Message, "'Missing' was not found");
    }
}
