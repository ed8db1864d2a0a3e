using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;

/// <summary>The guide's question-answering snippet, run as written there (only the folders and data differ).</summary>
[TestClass]
public sealed class QuestionAnsweringGuideTests
{
    [TestMethod]
    public void TheGuidesQuestionAnsweringSnippetRuns()
    {
        // The pipeline reference's QA checkpoint (its own tokenizer; float16 weights, trained in float32) serves both roles.
        string qaFolder = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", "v1_qa");
        string checkpointFolder = qaFolder;
        string modelPath = Path.Combine(Path.GetTempPath(), $"qa-guide-{Guid.NewGuid():N}.zip");
        string paperAbstract = "DeBERTa was proposed by Pengcheng He, Xiaodong Liu, Jianfeng Gao and Weizhu Chen in 2020.";
        var mlContext = new MLContext(seed: 1);
        var trainData = mlContext.Data.LoadFromEnumerable(QuestionAnsweringPersistenceTests.Inputs(heldOut: false, 16));
        var testData = mlContext.Data.LoadFromEnumerable(QuestionAnsweringPersistenceTests.Inputs(heldOut: true, 8));
        try
        {
            // ---- as in docs/mlnet-guide.md ----
            var trainer = mlContext.Transforms.Deberta.QuestionAnswering(checkpointFolder, maxSeqLength: 384, docStride: 128, epochs: 2);
            using var model = trainer.Fit(trainData);
            SquadMetrics metrics = mlContext.Deberta().EvaluateQuestionAnswering(model.Transform(testData));
            Console.WriteLine($"exact match {metrics.Overall.ExactMatch:F1}, F1 {metrics.Overall.F1:F1}");
            DebertaModelIO.Save(mlContext, model, trainData.Schema, modelPath);

            // A fine-tuned QA checkpoint as it is, one question at a time.
            using var reader = mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(qaFolder, topK: 3).Fit(trainData);
            var engine = mlContext.Model.CreatePredictionEngine<QaInput, QaPrediction>(reader);
            QaPrediction answer = engine.Predict(new QaInput { Question = "Who proposed DeBERTa?", Context = paperAbstract });
            // ---- end ----

            Assert.AreEqual(8, metrics.Overall.Total);
            Assert.IsTrue(File.Exists(modelPath));
            Assert.HasCount(3, answer.Answer);
            for (int a = 0; a < 3; a++)
                Assert.AreEqual(paperAbstract[answer.Start[a]..answer.End[a]], answer.Answer[a]);
        }
        finally
        {
            File.Delete(modelPath);
        }
    }
}
