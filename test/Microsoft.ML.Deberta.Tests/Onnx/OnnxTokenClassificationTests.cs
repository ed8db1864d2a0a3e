using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>A NER step loaded with <c>DebertaScoringRuntime.OnnxRuntime</c> against the same step scoring with TorchSharp.</summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxTokenClassificationTests
{
    private static readonly string[] Texts =
        ["My name is Wolfgang and I live in Berlin", "Sarah lives in London .", "hello", "", "Anna and Tom met Paul in Paris , Rome and Oslo last year"];

    private static readonly string[] ExactColumns = ["PredictedLabel", "EntityGroup", "EntityText", "EntityStart", "EntityEnd"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void NerScoresAsTorchSharpAndRoundTripsAsAnOnnxPayload()
    {
        var mlContext = new MLContext(seed: 1);
        var data = NerData.Texts(mlContext, Texts);
        // Short windows with a stride, so the long rows span several windows, scored in batches of unequal lengths.
        using var torch = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(NerData.PipelineTokenClassifier, maxLength: 10, stride: 3, batchSize: 2).Fit(data);
        using var folder = new TemporaryDirectory();
        DebertaModelIO.Save(mlContext, torch, data.Schema, folder.File("torch.zip"));
        using var onnx = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, folder.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntime);

        Assert.AreEqual(OnnxTokenClassificationScorer.Kind, onnx.PayloadKind);
        var expected = torch.Transform(data);
        var actual = onnx.Transform(data);
        Assert.IsTrue(PredictionDump.Lines(expected, "EntityGroup").Any(l => l.Length > 0), "some row has an entity to compare");
        // Labels and entities identical, scores within 1e-4.
        OnnxStepParity.AssertSame(TestContext, "v1_tokcls NER (DebertaModelIO.Load OnnxRuntime)", expected, actual, ExactColumns, "Score", "EntityScore");

        DebertaModelIO.Save(mlContext, onnx, data.Schema, folder.File("onnx.zip"));
        using var again = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, folder.File("onnx.zip"), out _);
        CollectionAssert.AreEqual(PredictionDump.Lines(actual, [.. ExactColumns, "Score", "EntityScore"]),
            PredictionDump.Lines(again.Transform(data), [.. ExactColumns, "Score", "EntityScore"]), "the ONNX payload loads back scoring the same");
    }
}
