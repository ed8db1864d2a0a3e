using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

/// <summary>NER input that cannot be trained or scored: each case fails before training with the row and the fix.</summary>
[TestClass]
public sealed class NerBadInputTests
{
    private static IDataView Rows(MLContext mlContext, params (string Text, string[] Tags)[] rows) =>
        mlContext.Data.LoadFromEnumerable(rows.Select(r => new NerData.TaggedRow { Text = r.Text, Label = r.Tags }).ToList());

    private static TokenClassificationOptions Tiny() => new()
    {
        Config = DebertaTestData.SmallConfig(hidden: 16, layers: 1, heads: 2),
        TokenizerFolder = DebertaTestData.V1TokenizerFolder,
        MaxLength = 16,
        Epochs = 1,
        BatchSize = 4,
        Seed = 1,
    };

    private static readonly (string, string[]) Good = ("the pizza was great", ["O", "B-FOOD", "O", "O"]);

    private static InvalidDataException FitFails(MLContext mlContext, IDataView rows, TokenClassificationOptions? options = null)
    {
        var keys = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(rows);
        var estimator = mlContext.Transforms.Deberta.TokenClassification(options ?? Tiny());
        return Assert.ThrowsExactly<InvalidDataException>(() => estimator.Fit(keys.Transform(rows)));
    }

    [TestMethod]
    public void ALabelCountOtherThanTheWordCountNamesTheRow()
    {
        var mlContext = new MLContext(seed: 1);
        var e = FitFails(mlContext, Rows(mlContext, Good, ("the   sushi", ["O", "B-FOOD", "O"])));
        StringAssert.Contains(e.Message, "Row 2 of the training data has 2 words in 'Text' but 3 labels in 'Label'");
        StringAssert.Contains(e.Message, "one tag per whitespace-separated word");
    }

    [TestMethod]
    public void ATagMissingFromTheKeySetNamesTheRowAndWord()
    {
        var mlContext = new MLContext(seed: 1);
        // The key set is fitted on the first row only, so the second row's B-STAFF maps to key 0 (missing).
        var keys = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(Rows(mlContext, Good));
        var rows = Rows(mlContext, Good, ("our waiter smiled", ["O", "B-STAFF", "O"]));
        var estimator = mlContext.Transforms.Deberta.TokenClassification(Tiny());
        var e = Assert.ThrowsExactly<InvalidDataException>(() => estimator.Fit(keys.Transform(rows)));
        StringAssert.Contains(e.Message, "Row 2 of the training data, word 2 ('waiter'): its tag in 'Label' is not in the label's key set");
        StringAssert.Contains(e.Message, "Fit MapValueToKey on data that holds every tag");
    }

    [TestMethod]
    public void AnEmptyTextNamesTheRowInTrainingAndGivesNoWordsWhenScoring()
    {
        var mlContext = new MLContext(seed: 1);
        var e = FitFails(mlContext, Rows(mlContext, Good, ("  ", [])));
        StringAssert.Contains(e.Message, "Row 2 of the training data has an empty text in column 'Text'");
    }

    [TestMethod]
    public void AScalarOrUnnamedLabelIsRefusedBeforeReadingRows()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = mlContext.Data.LoadFromEnumerable(new[] { new { Text = "a b", Label = "O" } }.Select(r => new FakeModel.TextRow { Text = r.Text, Label = r.Label }));
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(rows).Transform(rows);
        var estimator = mlContext.Transforms.Deberta.TokenClassification(Tiny());
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(keyed));
        StringAssert.Contains(e.Message, "NER needs one key per word");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Microsoft.ML.Deberta.MLNet.SchemaShapes.FromSchema(keyed.Schema)));
    }

    [TestMethod]
    public void ACheckpointHeadWithOtherLabelsIsAnErrorUnlessReinitialised()
    {
        var mlContext = new MLContext(seed: 1);
        // The reference token classifier has 5 labels (O, B-PER, I-PER, B-LOC, I-LOC); the data has 3 tags.
        var rows = Rows(mlContext, Good, ("our waiter smiled", ["O", "B-STAFF", "O"]));
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(rows).Transform(rows);
        var options = new TokenClassificationOptions { ModelFolder = NerData.PipelineTokenClassifier, MaxLength = 16, Epochs = 1, BatchSize = 2, Seed = 1 };
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta.TokenClassification(options).Fit(keyed));
        StringAssert.Contains(e.Message, "the checkpoint's head has 5 label(s) (O, B-PER, I-PER, B-LOC, I-LOC) but the label column has 3 classes");
        StringAssert.Contains(e.Message, "ReinitializeHead = true");

        options.ReinitializeHead = true;
        using var model = mlContext.Transforms.Deberta.TokenClassification(options).Fit(keyed);
        var tags = model.Transform(keyed).GetColumn<uint[]>("PredictedLabel").ToArray();
        Assert.HasCount(3, tags[1]);
        Assert.IsTrue(tags.SelectMany(t => t).All(k => k is >= 1 and <= 3), "keys of the data's 3 tags");
    }

    [TestMethod]
    public void ASequenceClassifierIsRefusedByApplyTokenClassificationModel()
    {
        var mlContext = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta.ApplyTokenClassificationModel(DebertaTestData.GoldenSequenceClassifier));
        StringAssert.Contains(e.Message, "needs a fine-tuned …ForTokenClassification checkpoint");
    }

    [TestMethod]
    public void BadOptionsAreNamedAtOnce()
    {
        var mlContext = new MLContext(seed: 1);
        var o = Tiny();
        o.LongTextStrategy = Microsoft.ML.Deberta.LongTextStrategy.Truncate;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta.TokenClassification(o)).Message, "SlidingWindows");
        o = Tiny();
        o.TextPairColumnName = "Other";
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta.TokenClassification(o)).Message, "one text column");
    }

    [TestMethod]
    public void ACoNllLineWithoutATagNamesTheLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ner-{Guid.NewGuid():N}.conll");
        File.WriteAllText(path, "the\tO\npizza\tB-FOOD\n\nlonely\n");
        try
        {
            var e = Assert.ThrowsExactly<FormatException>(() => new MLContext().Data.LoadFromConllFile(path));
            StringAssert.Contains(e.Message, "line 4");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
