using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>A question-answering step loaded with <c>DebertaScoringRuntime.OnnxRuntime</c> against the same step scoring with TorchSharp.</summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxQuestionAnsweringTests
{
    private static readonly string[] ExactColumns = ["Answer", "Start", "End"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void AnswersMatchTorchSharpAndRoundTripAsAnOnnxPayload()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", "v1_qa");
        var mlContext = new MLContext(seed: 1);
        var rows = new[]
        {
            new QaRow { Question = "Who wrote DeBERTa?", Context = "DeBERTa was written by Pengcheng He and colleagues at Microsoft." },
            new QaRow { Question = "Where is it?", Context = "The model lives in Redmond. Its tokenizer lives in Paris, and its weights in a file on a disk." },
            new QaRow { Question = "When?", Context = "In 2020." },
        };
        var data = mlContext.Data.LoadFromEnumerable(rows);
        // Short windows with a stride: the long context spans several windows, scored in shared batches.
        using var torch = mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(folder, topK: 2, maxSeqLength: 24, docStride: 6, batchSize: 2).Fit(data);
        using var work = new TemporaryDirectory();
        DebertaModelIO.Save(mlContext, torch, data.Schema, work.File("torch.zip"));
        using var onnx = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntime);

        Assert.AreEqual(OnnxQuestionAnsweringScorer.Kind, onnx.PayloadKind);
        var actual = onnx.Transform(data);
        // Answers and spans identical, scores within 1e-4.
        OnnxStepParity.AssertSame(TestContext, "v1_qa (DebertaModelIO.Load OnnxRuntime)", torch.Transform(data), actual, ExactColumns, "Score");
        Assert.IsGreaterThan(rows.Length, ((QuestionAnsweringScorer)torch.Step.Scorer).WindowsScored, "the long context spans several windows");

        DebertaModelIO.Save(mlContext, onnx, data.Schema, work.File("onnx.zip"));
        using var again = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("onnx.zip"), out _);
        CollectionAssert.AreEqual(PredictionDump.Lines(actual, [.. ExactColumns, "Score"]), PredictionDump.Lines(again.Transform(data), [.. ExactColumns, "Score"]),
            "the ONNX payload loads back answering the same");
    }

    private sealed class QaRow
    {
        public string Question { get; set; } = "";

        public string Context { get; set; } = "";
    }
}
