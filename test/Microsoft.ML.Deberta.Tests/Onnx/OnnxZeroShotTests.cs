using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// Zero-shot steps (fixed labels, and labels per row) loaded with <c>DebertaScoringRuntime.OnnxRuntime</c> against the
/// same steps scoring with TorchSharp: schema and annotations, scores, predicted labels, and the ONNX payload's round trip.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxZeroShotTests
{
    // Unequal lengths (and an empty text), so the text × hypothesis pairs run in padded, length-sorted batches.
    private static readonly string[] Texts =
    [
        "The team won the match in the last minute.", "Parliament voted on the new budget today.",
        "This recipe needs two eggs and some flour, a pinch of salt and an hour in a warm oven.", "",
    ];

    private static readonly string[] Labels = ["sports", "politics", "cooking"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void FixedLabelsScoreAsTorchSharpAndRoundTripAsAnOnnxPayload(bool multiLabel)
    {
        using var checkpoint = NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment");
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Texts.Select(t => new TextRow { Text = t }).ToList());
        using var torch = (TextScoringTransformer)mlContext.Transforms.Deberta.ZeroShotClassification(checkpoint.Path, Labels, multiLabel: multiLabel, batchSize: 4).Fit(data);
        using var work = new TemporaryDirectory();
        using var onnx = (TextScoringTransformer)SaveAndLoad(mlContext, torch, data, work.File("torch.zip"), DebertaScoringRuntime.OnnxRuntime);

        Assert.AreEqual(ZeroShotModel.OnnxKind, onnx.Scorer.PayloadKind);
        Assert.IsInstanceOfType<OnnxTextScorer>(((ZeroShotScorer)onnx.Scorer).Model.Classifier);
        OnnxStepParity.AssertSame(TestContext, $"v3_seqcls zero-shot{(multiLabel ? " multi-label" : "")} (DebertaModelIO.Load OnnxRuntime)",
            torch.Transform(data), onnx.Transform(data), ["PredictedLabel"], "Score");

        using var again = (TextScoringTransformer)SaveAndLoad(mlContext, onnx, data, work.File("onnx.zip"), DebertaScoringRuntime.TorchSharp);
        Assert.AreEqual(ZeroShotModel.OnnxKind, again.Scorer.PayloadKind, "the ONNX payload loads with the default runtime as ONNX");
        CollectionAssert.AreEqual(PredictionDump.Lines(onnx.Transform(data), "Score", "PredictedLabel"), PredictionDump.Lines(again.Transform(data), "Score", "PredictedLabel"),
            "the ONNX payload loads back scoring the same");
        using var onnxAgain = (TextScoringTransformer)DebertaModelIO.Load(mlContext, work.File("onnx.zip"), out _, DebertaScoringRuntime.OnnxRuntime);
        Assert.AreEqual(ZeroShotModel.OnnxKind, onnxAgain.Scorer.PayloadKind, "an ONNX payload loads as it is with DebertaScoringRuntime.OnnxRuntime too");
    }

    [TestMethod]
    public void LabelsPerRowScoreAsTorchSharpAndRoundTripAsAnOnnxPayload()
    {
        using var checkpoint = NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment");
        var mlContext = new MLContext(seed: 1);
        string[] rowLabels = ["sports, politics, cooking", "politics,cooking", "cooking", "sports , cooking"];
        var data = mlContext.Data.LoadFromEnumerable(Texts.Select((t, i) => new TextRow { Text = t, Label = rowLabels[i] }).ToList());
        using var torch = (StructuredScoringTransformer)mlContext.Transforms.Deberta.ZeroShotClassification(checkpoint.Path, candidateLabelsColumnName: "Label", batchSize: 3).Fit(data);
        using var work = new TemporaryDirectory();
        using var onnx = (StructuredScoringTransformer)SaveAndLoad(mlContext, torch, data, work.File("torch.zip"), DebertaScoringRuntime.OnnxRuntime);

        Assert.AreEqual(ZeroShotModel.OnnxKind, onnx.PayloadKind);
        OnnxStepParity.AssertSame(TestContext, "v3_seqcls zero-shot labels per row (DebertaModelIO.Load OnnxRuntime)",
            torch.Transform(data), onnx.Transform(data), ["Labels", "PredictedLabel"], "Score");

        using var again = (StructuredScoringTransformer)SaveAndLoad(mlContext, onnx, data, work.File("onnx.zip"), DebertaScoringRuntime.TorchSharp);
        Assert.AreEqual(ZeroShotModel.OnnxKind, again.PayloadKind);
        using var onnxAgain = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("onnx.zip"), out _, DebertaScoringRuntime.OnnxRuntime);
        Assert.AreEqual(ZeroShotModel.OnnxKind, onnxAgain.PayloadKind, "an ONNX payload loads as it is with DebertaScoringRuntime.OnnxRuntime too");
        CollectionAssert.AreEqual(PredictionDump.Lines(onnx.Transform(data), "Labels", "Score", "PredictedLabel"),
            PredictionDump.Lines(again.Transform(data), "Labels", "Score", "PredictedLabel"), "the ONNX payload loads back scoring the same");
    }

    private static ITransformer SaveAndLoad(MLContext mlContext, ITransformer model, IDataView data, string path, DebertaScoringRuntime runtime)
    {
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        return DebertaModelIO.Load(mlContext, path, out _, runtime);
    }
}
