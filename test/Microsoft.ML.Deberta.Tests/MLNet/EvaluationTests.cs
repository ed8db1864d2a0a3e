using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The prediction columns follow ML.NET's conventions closely enough that ML.NET's own evaluators and
/// MapKeyToValue work unchanged, and their metrics agree with the same metrics computed here from the columns.
/// </summary>
[TestClass]
public sealed class EvaluationTests
{
    [TestMethod]
    public void MulticlassOutputsWorkWithTheEvaluatorAndMapKeyToValue()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 60);
        var trainer = new FakeTextTrainer();
        using var model = TestModels.ClassificationPipeline(mlContext, trainer).Fit(data) as TransformerChain<KeyToValueMappingTransformer>
            ?? throw new AssertFailedException("a chain");
        var scored = model.Transform(data);

        var score = scored.Schema["Score"];
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), score.Type);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        score.Annotations.GetValue("SlotNames", ref slotNames);
        CollectionAssert.AreEqual(new[] { "sports", "food", "tech" }, slotNames.DenseValues().Select(s => s.ToString()).ToArray());
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 3), scored.Schema["PredictedLabel"].Type);

        var rows = mlContext.Data.CreateEnumerable<MulticlassRow>(scored, reuseRowObject: false).ToList();
        var metrics = mlContext.MulticlassClassification.Evaluate(scored);
        double accuracy = rows.Count(r => r.PredictedLabel == r.LabelKey) / (double)rows.Count;
        double logLoss = rows.Average(r => -Math.Log(Math.Max(r.Score[r.LabelKey - 1], 1e-15)));
        Assert.AreEqual(accuracy, metrics.MicroAccuracy, 1e-9);
        Assert.AreEqual(logLoss, metrics.LogLoss, 1e-4, "LogLoss treats Score as probabilities in key order");
        Assert.IsGreaterThan(0.9, accuracy, "the fake model separates the three topics");
        foreach (var r in rows)
        {
            Assert.AreEqual(1.0, r.Score.Sum(), 1e-5, "softmax probabilities");
            Assert.AreEqual(Array.IndexOf(r.Score, r.Score.Max()) + 1, (int)r.PredictedLabel);
            Assert.AreEqual(new[] { "sports", "food", "tech" }[r.PredictedLabel - 1], r.PredictedLabelValue);
        }
        Assert.AreEqual(3, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [TestMethod]
    public void TrainerGetsClassIndicesAndNamesFromTheKey()
    {
        var mlContext = new MLContext(seed: 1);
        var trainer = new FakeTextTrainer();
        using var model = (IDisposable)TestModels.ClassificationPipeline(mlContext, trainer).Fit(TestRows.View(mlContext, 6));
        var set = trainer.LastTrainingSet!;
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 0, 1, 2 }, set.ClassIndices!.ToArray());
        CollectionAssert.AreEqual(new[] { "sports", "food", "tech" }, set.ClassNames!.ToArray());
        Assert.AreEqual(3, set.ClassCount);
        Assert.IsNull(set.Pairs);
        Assert.AreEqual(TestRows.Make(6)[4].Text, set.Texts[4]);
    }

    [TestMethod]
    public void BooleanLabelGivesBinaryOutputsForTheBinaryEvaluator()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 60);
        var trainer = new FakeTextTrainer();
        using var model = TestModels.Estimator(mlContext, trainer, TestModels.Classification("Positive")).Fit(data);
        var scored = model.Transform(data);
        Assert.AreEqual(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        CollectionAssert.AreEqual(new[] { "False", "True" }, trainer.LastTrainingSet!.ClassNames!.ToArray());

        var metrics = mlContext.BinaryClassification.Evaluate(scored, labelColumnName: "Positive");
        var rows = mlContext.Data.CreateEnumerable<BinaryRow>(scored, reuseRowObject: false).ToList();
        Assert.AreEqual(rows.Count(r => r.PredictedLabel == r.Positive) / (double)rows.Count, metrics.Accuracy, 1e-9);
        // ML.NET's binary log-loss is in bits.
        double logLoss = rows.Average(r => -Math.Log2(Math.Max(r.Positive ? r.Probability : 1 - r.Probability, 1e-15)));
        Assert.AreEqual(logLoss, metrics.LogLoss, 1e-4);
        foreach (var r in rows)
        {
            Assert.AreEqual(r.Score > 0, r.PredictedLabel, "Score is the log-odds; the evaluator thresholds it at 0");
            Assert.AreEqual(1 / (1 + Math.Exp(-r.Score)), r.Probability, 1e-6);
        }
        Assert.IsGreaterThan(0.9, metrics.Accuracy);
    }

    [TestMethod]
    public void TwoValuedKeyWithBinaryLayoutWorksWithTheBinaryEvaluatorAndMapKeyToValue()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(60).Select(r => { r.Label = r.Positive ? "yes" : "no"; return r; }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var settings = TestModels.Classification() with { BinaryLayout = true };
        using var model = (IDisposable)TestModels.ClassificationPipeline(mlContext, new FakeTextTrainer(), settings).Fit(data);
        var scored = ((ITransformer)model).Transform(data);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 2), scored.Schema["PredictedLabel"].Type);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Score"].Type);

        var metrics = mlContext.BinaryClassification.Evaluate(scored);
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var values = scored.GetColumn<string>("PredictedLabelValue").ToArray();
        var scores = scored.GetColumn<float>("Score").ToArray();
        Assert.AreEqual(labels.Zip(predicted).Count(p => p.First == p.Second) / (double)labels.Length, metrics.Accuracy, 1e-9);
        var keyNames = rows.Select(r => r.Label).Distinct().ToArray(); // MapValueToKey orders by first occurrence
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.AreEqual(scores[i] > 0 ? 2u : 1u, predicted[i], "the second key is the positive class");
            Assert.AreEqual(keyNames[predicted[i] - 1], values[i]);
        }
    }

    [TestMethod]
    public void RegressionOutputWorksWithTheRegressionEvaluator()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 60);
        var trainer = new FakeTextTrainer();
        using var model = TestModels.Estimator(mlContext, trainer, TestModels.Regression()).Fit(data);
        var scored = model.Transform(data);
        var metrics = mlContext.Regression.Evaluate(scored, labelColumnName: "Value");
        var labels = scored.GetColumn<float>("Value").ToArray();
        var scores = scored.GetColumn<float>("Score").ToArray();
        Assert.AreEqual(labels.Zip(scores).Average(p => Math.Abs(p.First - p.Second)), metrics.MeanAbsoluteError, 1e-5);
        Assert.IsLessThan(1.5, metrics.MeanAbsoluteError, "the fake regression learns the topic offsets");
        CollectionAssert.AreEqual(labels, trainer.LastTrainingSet!.Targets!.ToArray());
    }

    [TestMethod]
    public void PairColumnReachesTrainerAndScorer()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 12);
        var trainer = new FakeTextTrainer();
        using var model = (TransformerChain<KeyToValueMappingTransformer>)TestModels.ClassificationPipeline(mlContext, trainer,
            TestModels.Classification(pair: "Second")).Fit(data);
        var expected = TestRows.Make(12);
        CollectionAssert.AreEqual(expected.Select(r => r.Second).ToArray(), trainer.LastTrainingSet!.Pairs!.ToArray());
        var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < expected.Count; i++)
        {
            var logits = trainer.LastScorer!.Score(expected[i].Text, expected[i].Second);
            var max = logits.Max();
            var probs = logits.Select(l => Math.Exp(l - max)).ToArray();
            Assert.AreEqual(probs[0] / probs.Sum(), scores[i][0], 1e-6, $"row {i} scored from text and pair");
        }
    }

    [TestMethod]
    public void EstimatorShapeCarriesKeyAndAnnotationsForTheNextEstimator()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var shape = TestModels.Estimator(mlContext, new FakeTextTrainer()).GetOutputSchema(SchemaShapes.FromSchema(keyed.Schema));
        var predicted = SchemaShapes.Find(shape, "PredictedLabel")!.Value;
        Assert.IsTrue(predicted.IsKey);
        Assert.IsTrue(predicted.Annotations.Any(a => a.Name == "KeyValues" && a.ItemType is TextDataViewType));
        var score = SchemaShapes.Find(shape, "Score")!.Value;
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, score.Kind);
        CollectionAssert.IsSubsetOf(new[] { "ScoreColumnKind", "ScoreValueKind", "ScoreColumnSetId", "SlotNames", "TrainingLabelValues" },
            score.Annotations.Select(a => a.Name).ToArray());
        // What MapKeyToValue accepts is what it returns a shape for.
        var mapped = mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel").GetOutputSchema(shape);
        Assert.AreEqual(TextDataViewType.Instance, SchemaShapes.Find(mapped, "PredictedLabelValue")!.Value.ItemType);
    }

    [TestMethod]
    public void NumericKeyValuesComeBackAsNumbersAfterMapKeyToValue()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 30);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("TopicKey", "Topic")
            .Append(TestModels.Estimator(mlContext, new FakeTextTrainer(), TestModels.Classification("TopicKey")))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedTopic", "PredictedLabel"));
        using var model = (IDisposable)pipeline.Fit(data);
        var scored = ((ITransformer)model).Transform(data);
        Assert.AreEqual(NumberDataViewType.Int32, scored.Schema["PredictedTopic"].Type);
        // As ML.NET's own trainers: the class values in TrainingLabelValues, and no SlotNames for values that are not text.
        var labelValues = default(VBuffer<int>);
        scored.Schema["Score"].Annotations.GetValue("TrainingLabelValues", ref labelValues);
        var topics = scored.GetColumn<int>("Topic").Distinct().ToArray();
        CollectionAssert.AreEqual(topics, labelValues.DenseValues().ToArray());
        Assert.IsNull(scored.Schema["Score"].Annotations.Schema.GetColumnOrNull("SlotNames"));
        Assert.IsGreaterThan(0.9, mlContext.MulticlassClassification.Evaluate(scored, "TopicKey").MicroAccuracy);
    }

    private sealed class MulticlassRow
    {
        [ColumnName("Label")]
        public uint LabelKey { get; set; }

        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }

        public string PredictedLabelValue { get; set; } = "";
    }

    private sealed class BinaryRow
    {
        public bool Positive { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
