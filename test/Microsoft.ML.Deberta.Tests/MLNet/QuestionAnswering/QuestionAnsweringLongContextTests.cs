using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tests.Parity;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;

/// <summary>
/// Contexts longer than the model's 512 positions are answered over doc_stride windows (no cap): through ML.NET the
/// windows of several rows share forward passes, and each row's answers must be what the pipeline's decoder
/// (parity-tested in Tasks/) gives for that row's windows scored on their own.
/// </summary>
[TestClass]
public sealed class QuestionAnsweringLongContextTests
{
    [TestMethod]
    public void ContextsOfAnyLengthAreAnsweredOverStrideWindowsRowByRow()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", "v1_qa");
        using var pipeline = GoldenPipelineFolder.Open(folder);
        var (question, gpl) = pipeline.QuestionContexts[1];
        var (shortQuestion, shortContext) = pipeline.QuestionContexts[0];
        var rows = new[]
        {
            new QaInput { Question = question, Context = string.Join("\n\n", Enumerable.Repeat(gpl, 3)) },
            new QaInput { Question = shortQuestion, Context = shortContext },
            new QaInput { Question = question, Context = gpl },
        };

        var mlContext = new MLContext(seed: 1);
        using var model = mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(folder, topK: 3, maxSeqLength: 128, docStride: 32, batchSize: 4)
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        var predictions = mlContext.Data.CreateEnumerable<QaPrediction>(model.Transform(mlContext.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();

        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        var decoder = new QuestionAnsweringDecoder(tokenizer);
        using var qa = DebertaCheckpoint.Load<DebertaForQuestionAnswering>(folder);
        var aligned = new QuestionAnsweringOptions { MaxSeqLength = 128, DocStride = 32, TopK = 3 }; // the catalog's default aligns to words
        int contextTokens = tokenizer.Encode(rows[0].Context, new DebertaEncodeOptions { AddSpecialTokens = false }).Length;
        Assert.IsGreaterThan(512, contextTokens, "the first context is longer than the model's positions");
        for (int r = 0; r < rows.Length; r++)
        {
            var windows = decoder.Encode(rows[r].Question, rows[r].Context, aligned);
            var (start, end) = TokenLevelPredictor.PredictSpanLogits(qa, windows, batchSize: 1);
            var expected = decoder.Decode(rows[r].Question, rows[r].Context, windows, start, end, aligned);
            if (r == 0)
                Assert.IsGreaterThan(contextTokens / 128, windows.Count, "the long context is cut into stride windows");
            CollectionAssert.AreEqual(expected.Select(a => a.Answer).ToArray(), predictions[r].Answer, $"row {r}");
            CollectionAssert.AreEqual(expected.Select(a => a.Start).ToArray(), predictions[r].Start, $"row {r}");
            CollectionAssert.AreEqual(expected.Select(a => a.End).ToArray(), predictions[r].End, $"row {r}");
            for (int a = 0; a < expected.Count; a++)
            {
                Assert.AreEqual(expected[a].Score, predictions[r].Score[a], 1e-6 * Math.Max(1, expected[a].Score), $"row {r} answer {a}");
                Assert.AreEqual(rows[r].Context[predictions[r].Start[a]..predictions[r].End[a]], predictions[r].Answer[a]);
            }
        }
    }
}
