using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>Bad input at the ML.NET layer fails before any training, with a message naming the column or row and the fix.</summary>
[TestClass]
public sealed class BadInputTests
{
    private static T FailsBeforeTraining<T>(Func<FakeTextTrainer, object> fit) where T : Exception
    {
        var trainer = new FakeTextTrainer();
        var e = Assert.ThrowsExactly<T>(() => fit(trainer));
        Assert.AreEqual(0, trainer.Calls, "no training started");
        return e;
    }

    [TestMethod]
    public void MissingTextColumnIsNamedWithTheAvailableColumns()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        var settings = TestModels.Classification() with { Columns = new TextColumns("Review") };
        var e = FailsBeforeTraining<ArgumentOutOfRangeException>(t => TestModels.ClassificationPipeline(mlContext, t, settings).Fit(data));
        StringAssert.Contains(e.Message, "The text column 'Review' was not found");
        StringAssert.Contains(e.Message, "Text, Second, Label");

        var pair = TestModels.Classification(pair: "Hypothesis");
        StringAssert.Contains(FailsBeforeTraining<ArgumentOutOfRangeException>(
            t => TestModels.ClassificationPipeline(mlContext, t, pair).Fit(data)).Message, "second text column 'Hypothesis'");

        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 1), columns: new TextColumns("Review"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(data)).Message, "'Review'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.GetOutputSchema(data.Schema)).Message, "'Review'");
    }

    [TestMethod]
    public void TextColumnOfTheWrongTypeIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        foreach (var (column, type) in new[] { ("Number", "Single"), ("Words", "VarVector<String>") })
        {
            var settings = TestModels.Classification() with { Columns = new TextColumns(column) };
            var e = FailsBeforeTraining<ArgumentOutOfRangeException>(t => TestModels.ClassificationPipeline(mlContext, t, settings).Fit(data));
            StringAssert.Contains(e.Message, $"The text column '{column}' has type {type}");
            StringAssert.Contains(e.Message, "needs a String (text) column");
        }
    }

    [TestMethod]
    public void LabelOfTheWrongTypeIsRefusedWithTheConversionToAdd()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        // A text label without MapValueToKey, and a float label, for classification.
        foreach (var label in new[] { "Label", "Number" })
        {
            var e = FailsBeforeTraining<ArgumentOutOfRangeException>(
                t => TestModels.Estimator(mlContext, t, TestModels.Classification(label)).Fit(data));
            StringAssert.Contains(e.Message, $"MapValueToKey(\"{label}\")");
        }
        // A key label and an integer label, for regression.
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        foreach (var label in new[] { "Label", "Topic" })
        {
            var e = FailsBeforeTraining<ArgumentOutOfRangeException>(
                t => TestModels.Estimator(mlContext, t, TestModels.Regression(label)).Fit(keyed));
            StringAssert.Contains(e.Message, $"ConvertType(\"{label}\", outputKind: DataKind.Single)");
        }
        var missing = FailsBeforeTraining<ArgumentOutOfRangeException>(
            t => TestModels.Estimator(mlContext, t, TestModels.Classification("Sentiment")).Fit(data));
        StringAssert.Contains(missing.Message, "The label column 'Sentiment' was not found");
    }

    [TestMethod]
    public void WrongTypesFailInGetOutputSchemaBeforeAnyFit()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        var pipeline = TestModels.Estimator(mlContext, new FakeTextTrainer(), TestModels.Classification("Label"))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));
        // EstimatorChain.Fit checks the whole chain's shapes first, so nothing fits, not even earlier steps.
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(data));
        StringAssert.Contains(e.Message, "MapValueToKey(\"Label\")");
    }

    [TestMethod]
    public void MissingKeyLabelsAreRefusedWithTheRowAndTheFilter()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(9);
        rows[4].Label = "weather"; // a value the fitted key mapping never saw: key 0
        var mapping = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(TestRows.View(mlContext, 9));
        var keyed = mapping.Transform(mlContext.Data.LoadFromEnumerable(rows));
        var e = FailsBeforeTraining<InvalidDataException>(t => TestModels.Estimator(mlContext, t).Fit(keyed));
        StringAssert.Contains(e.Message, "Row 5 of the training data has a missing label in column 'Label'");
        StringAssert.Contains(e.Message, "FilterRowsByMissingValues");
    }

    [TestMethod]
    public void EmptyTextsAreRefusedForTrainingWithTheRow()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(9);
        rows[2].Text = "  ";
        var e = FailsBeforeTraining<InvalidDataException>(
            t => TestModels.ClassificationPipeline(mlContext, t).Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 3 of the training data has an empty text in column 'Text'");

        rows = TestRows.Make(9);
        rows[7].Second = null!; // null strings reach ML.NET as empty text
        var pair = FailsBeforeTraining<InvalidDataException>(t => TestModels.ClassificationPipeline(mlContext, t,
            TestModels.Classification(pair: "Second")).Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(pair.Message, "Row 8 of the training data has an empty text in column 'Second'");
    }

    [TestMethod]
    public void NonFiniteRegressionTargetsAreRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(5);
        rows[1].Value = float.NaN;
        var e = FailsBeforeTraining<InvalidDataException>(
            t => TestModels.Estimator(mlContext, t, TestModels.Regression()).Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 2 of the training data has label NaN in column 'Value'");
    }

    [TestMethod]
    public void EmptyDataIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new List<TestRow>());
        var e = FailsBeforeTraining<InvalidDataException>(t => TestModels.Estimator(mlContext, t, TestModels.Regression()).Fit(data));
        Assert.AreEqual("The training data has no rows. Check that the data was read as intended (for a text file: its path, " +
                        "separatorChar and hasHeader).", e.Message);
    }

    [TestMethod]
    public void KeysWithFewerThanTwoValuesAreRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(6).Select(r => { r.Label = "same"; return r; }).ToList();
        var e = FailsBeforeTraining<ArgumentOutOfRangeException>(
            t => TestModels.ClassificationPipeline(mlContext, t).Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "is a key with 1 value(s); classification needs at least 2 classes");
    }

    [TestMethod]
    public void BinaryLayoutNeedsATwoValuedKey()
    {
        var mlContext = new MLContext(seed: 1);
        var settings = TestModels.Classification() with { BinaryLayout = true };
        var e = FailsBeforeTraining<ArgumentOutOfRangeException>(
            t => TestModels.ClassificationPipeline(mlContext, t, settings).Fit(TestRows.View(mlContext, 6)));
        StringAssert.Contains(e.Message, "is a key with 3 values, not 2");
    }

    [TestMethod]
    public void ValidationSetWithOtherClassesIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var train = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(TestRows.View(mlContext, 6)).Transform(TestRows.View(mlContext, 6));
        var otherRows = TestRows.Make(6).Select(r => { r.Label = r.Label == "tech" ? "sports" : r.Label; return r; }).ToList();
        var other = mlContext.Data.LoadFromEnumerable(otherRows);
        var validation = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(other).Transform(other);
        var settings = TestModels.Classification() with { ValidationSet = validation };
        var e = FailsBeforeTraining<ArgumentOutOfRangeException>(t => TestModels.Estimator(mlContext, t, settings).Fit(train));
        StringAssert.Contains(e.Message, "same fitted MapValueToKey");

        var sameMapping = settings with { ValidationSet = train };
        var trainer = new FakeTextTrainer();
        using var model = TestModels.Estimator(mlContext, trainer, sameMapping).Fit(train);
        Assert.AreEqual(6, trainer.LastValidationSet!.Count, "a matching validation set reaches the trainer");
    }

    [TestMethod]
    public void ATrainedModelOfTheWrongSizeIsRefusedAndFreed()
    {
        var mlContext = new MLContext(seed: 1);
        var trainer = new FakeTextTrainer { OutputSizeOverride = 5 };
        var e = Assert.ThrowsExactly<ArgumentException>(() => TestModels.ClassificationPipeline(mlContext, trainer).Fit(TestRows.View(mlContext, 6)));
        StringAssert.Contains(e.Message, "5 output(s)");
        Assert.IsTrue(trainer.LastScorer!.Disposed);
    }

    [TestMethod]
    public void AModelThatDoesNotFitTheTaskFailsBeforeAnyRowIsRead()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(6);
        rows[0].Text = ""; // reading rows would fail on this first, with another message
        var trainer = new FakeTextTrainer { ModelClassCount = 2 };
        var e = Assert.ThrowsExactly<ArgumentException>(
            () => TestModels.ClassificationPipeline(mlContext, trainer).Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "has 2 classes; the label has 3");
        Assert.AreEqual(0, trainer.Calls);
    }

    [TestMethod]
    public void CancellationStopsFitBeforeTraining()
    {
        var mlContext = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var settings = TestModels.Classification() with { CancellationToken = cts.Token };
        FailsBeforeTraining<OperationCanceledException>(t => TestModels.ClassificationPipeline(mlContext, t, settings).Fit(TestRows.View(mlContext, 6)));
    }
}
