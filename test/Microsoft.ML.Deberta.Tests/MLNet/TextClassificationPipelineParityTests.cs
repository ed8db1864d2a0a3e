using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.Parity;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>ApplyTextModel</c> against transformers' text-classification pipeline, for every <c>pipelines/&lt;name&gt;/</c>
/// folder of the golden root whose golden_pipeline.json holds text-classification outputs (<c>top_k_none</c>,
/// <c>default</c>): the folder is loaded as it ships (fp16 weights, its own tokenizer files: vocab.json + merges.txt
/// or tokenizer.json alone), id2label becomes the key values and slot names, scores agree within 1e-5.
/// </summary>
[TestClass]
public sealed class TextClassificationPipelineParityTests
{
    public TestContext TestContext { get; set; } = null!;

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    [TestMethod]
    [TestCategory("Parity")]
    public void ApplyTextModelScoresAsTransformersTextClassificationPipeline()
    {
        int folders = 0;
        foreach (string path in GoldenPipelineFolder.FindAll())
        {
            using var folder = GoldenPipelineFolder.Open(path);
            if (folder.Outputs.ValueKind != JsonValueKind.Object || !folder.Outputs.TryGetProperty("top_k_none", out JsonElement topKNone))
                continue;
            var (compared, largest) = Compare(folder, topKNone, folder.Outputs.GetProperty("default"));
            TestContext.WriteLine($"pipeline {folder.Name} text-classification: {compared} outputs compared, max |Δscore| {largest:E2}");
            folders++;
        }
        if (folders == 0)
            GoldenData.NothingToCompare($"no pipelines/<name>/golden_pipeline.json with text-classification outputs under {GoldenData.RequireFolder("pipelines")}");
    }

    private static (int Compared, double Largest) Compare(GoldenPipelineFolder folder, JsonElement topKNone, JsonElement topLabels)
    {
        string name = folder.Name;
        string[] texts = folder.Texts;
        var expected = topKNone.EnumerateArray()
            .Select(row => row.EnumerateArray().ToDictionary(e => e.GetProperty("label").GetString()!, e => e.GetProperty("score").GetDouble())).ToArray();
        var expectedTop = topLabels.EnumerateArray().Select(e => (Label: e.GetProperty("label").GetString()!, Score: e.GetProperty("score").GetDouble())).ToArray();

        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t }).ToList());
        var model = mlContext.Transforms.Deberta.ApplyTextModel(folder.Path, maxLength: 512)
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"))
            .Fit(data);
        try
        {
            var scored = model.Transform(data);
            var classes = PretrainedFolderTests.Names(scored.Schema["Score"], slotNames: true);
            CollectionAssert.AreEquivalent(expected[0].Keys.ToArray(), classes, $"{name}: Score's slot names are the checkpoint's id2label");
            CollectionAssert.AreEqual(classes, PretrainedFolderTests.Names(scored.Schema["PredictedLabel"], slotNames: false), $"{name}: PredictedLabel's key values are id2label");
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            var predicted = scored.GetColumn<string>("PredictedName").ToArray();
            Assert.HasCount(expected.Length, scores, $"{name}: one row per text");
            double largest = 0;
            int compared = 0;
            for (int row = 0; row < texts.Length; row++)
            {
                for (int c = 0; c < classes.Length; c++)
                {
                    double delta = Math.Abs(expected[row][classes[c]] - scores[row][c]);
                    largest = Math.Max(largest, delta);
                    Assert.IsLessThanOrEqualTo(1e-5, delta, $"{name}: text {row} ('{texts[row]}'), {classes[c]}");
                }
                compared++;
                Assert.AreEqual(expectedTop[row].Label, predicted[row], $"{name}: top label of text {row}");
                Assert.AreEqual(expectedTop[row].Score, scores[row][Array.IndexOf(classes, predicted[row])], 1e-5, $"{name}: top score of text {row}");
                compared++;
            }
            return (compared, largest);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }
}
