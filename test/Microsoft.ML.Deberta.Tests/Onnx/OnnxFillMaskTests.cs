using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>A fill-mask step loaded with <c>DebertaScoringRuntime.OnnxRuntime</c> against the same step scoring with TorchSharp.</summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxFillMaskTests
{
    private static readonly string[] ExactColumns = ["Tokens", "Sequences", "TokenIds"];

    public TestContext TestContext { get; set; } = null!;

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void PropositionsMatchTorchSharpAndRoundTripAsAnOnnxPayload(bool withTargets)
    {
        var folder = GoldenData.Bundled("pipelines", "v3_mlm");
        var mlContext = new MLContext(seed: 1);
        // One mask, two masks, and a text past the config's 128 positions (relative attention only): unequal lengths in batches of 2.
        var texts = new[]
        {
            "The capital of France is [MASK].", "The [MASK] of France is [MASK].", "I loved this [MASK]!",
            string.Join(" ", Enumerable.Repeat("DeBERTa improves BERT and RoBERTa with disentangled attention.", 8)) + " It is [MASK].",
        };
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t }).ToList());
        string[]? targets = withTargets ? ["Paris", "movie", "good", "the", "capital", "Zürich"] : null;
        using var torch = mlContext.Transforms.Deberta.FillMask(folder, topK: 4, targets: targets, maxLength: 512, batchSize: 2).Fit(data);
        using var work = new TemporaryDirectory();
        DebertaModelIO.Save(mlContext, torch, data.Schema, work.File("torch.zip"));
        using var onnx = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntime);

        Assert.AreEqual(OnnxFillMaskScorer.Kind, onnx.PayloadKind);
        var actual = onnx.Transform(data);
        Assert.IsGreaterThan(128, ((FillMaskScorer)torch.Step.Scorer).Tokenizer.Encode(texts[^1]).InputIds.Count, "the long text passes the position span");
        Assert.AreEqual(4 * (texts.Length + 1), actual.GetColumn<string[]>("Tokens").Sum(t => t.Length), "masks × top 4");
        // The top-k tokens, their ids and sequences identical; their probabilities within 1e-4.
        OnnxStepParity.AssertSame(TestContext, $"v3_mlm fill-mask{(withTargets ? " (targets)" : "")} (DebertaModelIO.Load OnnxRuntime)",
            torch.Transform(data), actual, ExactColumns, "Score");

        DebertaModelIO.Save(mlContext, onnx, data.Schema, work.File("onnx.zip"));
        using var again = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("onnx.zip"), out _);
        Assert.AreEqual(OnnxFillMaskScorer.Kind, again.PayloadKind, "the ONNX payload loads with the default runtime as ONNX");
        using var onnxAgain = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("onnx.zip"), out _, DebertaScoringRuntime.OnnxRuntime);
        Assert.AreEqual(OnnxFillMaskScorer.Kind, onnxAgain.PayloadKind, "an ONNX payload loads as it is with DebertaScoringRuntime.OnnxRuntime too");
        CollectionAssert.AreEqual(PredictionDump.Lines(actual, [.. ExactColumns, "Score"]), PredictionDump.Lines(again.Transform(data), [.. ExactColumns, "Score"]),
            "the ONNX payload loads back proposing the same");
    }
}
