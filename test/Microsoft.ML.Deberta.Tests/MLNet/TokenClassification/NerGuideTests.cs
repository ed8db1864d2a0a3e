using Microsoft.ML.Deberta.Tasks.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

/// <summary>The NER snippet of docs/mlnet-guide.md, run as written there (only the files differ).</summary>
[TestClass]
public sealed class NerGuideTests
{
    public sealed class Sentence
    {
        public string Text { get; set; } = "";

        public string[] Label { get; set; } = [];
    }

    public sealed class Entities
    {
        public string[] PredictedTags { get; set; } = [];

        public float[] Score { get; set; } = [];

        public string[] EntityGroup { get; set; } = [];

        public string[] EntityText { get; set; } = [];

        public int[] EntityStart { get; set; } = [];

        public int[] EntityEnd { get; set; } = [];

        public float[] EntityScore { get; set; } = [];
    }

    [TestMethod]
    public void TheGuidesNerSnippetFineTunesACheckpointEvaluatesAndPredicts()
    {
        var conllPath = Path.Combine(Path.GetTempPath(), $"guide-{Guid.NewGuid():N}.conll");
        File.WriteAllText(conllPath, "Sarah\tB-PER\nJones\tI-PER\nlives\tO\nin\tO\nNew\tB-LOC\nYork\tI-LOC\n\nTom\tB-PER\nvisited\tO\nBerlin\tB-LOC\n");
        string checkpointFolder = NerData.PipelineTokenClassifier;
        var mlContext = new MLContext(seed: 1);
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            // ---- as in docs/mlnet-guide.md ----
            IDataView sentences = mlContext.Data.LoadFromConllFile(conllPath);
            var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
                .Append(mlContext.Transforms.Deberta.TokenClassification(checkpointFolder, epochs: 1))
                .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabel"));
            var model = pipeline.Fit(sentences);

            EntityMetrics metrics = mlContext.Transforms.Deberta.EvaluateTokenClassification(model.Transform(sentences));
            Console.WriteLine($"entity F1 {metrics.Micro.F1:F3}, token accuracy {metrics.TokenAccuracy:F3}");

            using var engine = mlContext.Model.CreatePredictionEngine<Sentence, Entities>(model);
            Entities found = engine.Predict(new Sentence { Text = "Sarah moved to Paris" });
            for (int i = 0; i < found.EntityGroup.Length; i++)
                Console.WriteLine($"{found.EntityGroup[i]} '{found.EntityText[i]}' [{found.EntityStart[i]}, {found.EntityEnd[i]}) {found.EntityScore[i]:F2}");
            // ---- end ----

            Assert.HasCount(4, found.PredictedTags, "one tag per word");
            CollectionAssert.IsSubsetOf(found.PredictedTags, new[] { "O", "B-PER", "I-PER", "B-LOC", "I-LOC" });
            Assert.IsTrue(metrics.TokenAccuracy is >= 0 and <= 1);
        }
        finally
        {
            Console.SetOut(console);
            File.Delete(conllPath);
        }
        StringAssert.StartsWith(output.ToString(), "entity F1 ");
        Console.WriteLine(output.ToString());
    }
}
