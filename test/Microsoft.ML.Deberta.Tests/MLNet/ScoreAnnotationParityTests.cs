using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The Score column carries the annotations ML.NET's own multiclass trainers attach, for every type of key value:
/// TrainingLabelValues always, SlotNames only when the key values are text (ML.NET's <c>CanWrapSlotNames</c>).
/// </summary>
[TestClass]
public sealed class ScoreAnnotationParityTests
{
    private static string[] AnnotationNames(DataViewSchema.Column column) => [.. column.Annotations.Schema.Select(a => a.Name).Order(StringComparer.Ordinal)];

    [TestMethod]
    [DataRow("Label", DisplayName = "text key values")]
    [DataRow("TopicValue", DisplayName = "float key values")]
    [DataRow("Topic", DisplayName = "int key values")]
    public void ScoreHasTheAnnotationsOfMLNetsOwnMulticlassTrainer(string labelSource)
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Transforms.Conversion.ConvertType("TopicValue", "Topic", DataKind.Single)
            .Fit(TestRows.View(mlContext, 30)).Transform(TestRows.View(mlContext, 30));
        var key = mlContext.Transforms.Conversion.MapValueToKey("Key", labelSource);

        var settings = TestModels.Classification(label: "Key");
        using var ours = (IDisposable)key.Append(TestModels.Estimator(mlContext, new FakeTextTrainer(), settings)).Fit(data);
        var ourScore = ((ITransformer)ours).Transform(data).Schema["Score"];

        var theirs = key.Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Key", "Vector", maximumNumberOfIterations: 2)).Fit(data);
        var theirScore = theirs.Transform(data).Schema["Score"];

        CollectionAssert.AreEqual(AnnotationNames(theirScore), AnnotationNames(ourScore),
            $"ML.NET: {string.Join(", ", AnnotationNames(theirScore))}; ours: {string.Join(", ", AnnotationNames(ourScore))}");
        var theirType = theirScore.Annotations.Schema["TrainingLabelValues"].Type;
        Assert.AreEqual(theirType, ourScore.Annotations.Schema["TrainingLabelValues"].Type, "TrainingLabelValues keeps the label's value type");
    }
}
