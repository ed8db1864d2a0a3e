using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

/// <summary>
/// A fine-tuned token-classification checkpoint scored as it is, and NER evaluation through the catalog.
/// </summary>
[TestClass]
public sealed class NerCatalogTests
{
    private static readonly string[] Texts = ["My name is Wolfgang and I live in Berlin", "Sarah lives in London .", "hello"];

    [TestMethod]
    public void ACheckpointIsAppliedAsItIsAndEachWordGetsTheKeyOfItsFirstTokensArgmax()
    {
        var mlContext = new MLContext(seed: 1);
        var data = NerData.Texts(mlContext, Texts);
        using var model = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(NerData.PipelineTokenClassifier, maxLength: 64).Fit(data);
        var scored = model.Transform(data);
        var column = scored.Schema["PredictedLabel"];
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        column.Annotations.GetValue("KeyValues", ref keyValues);
        CollectionAssert.AreEqual(new[] { "O", "B-PER", "I-PER", "B-LOC", "I-LOC" }, keyValues.DenseValues().Select(v => v.ToString()).ToArray(), "id2label in id order");
        var keys = scored.GetColumn<uint[]>("PredictedLabel").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();

        // The reference: the model's own logits at each word's first token (words encoded as run_ner.py does, with a prefix space).
        var tokenizer = DebertaTokenizer.FromFolder(NerData.PipelineTokenClassifier, new DebertaTokenizerLoadOptions { AddPrefixSpace = true });
        using var reference = DebertaCheckpoint.Load<DebertaForTokenClassification>(NerData.PipelineTokenClassifier);
        for (int row = 0; row < Texts.Length; row++)
        {
            var words = Texts[row].Split(' ');
            var encoding = tokenizer.EncodeWords(words);
            using var scope = NewDisposeScope();
            var ids = tensor(encoding.InputIds.Select(i => (long)i).ToArray(), [1, encoding.Length]);
            var logits = reference.Predict(ids).Logits.softmax(-1)[0];
            Assert.HasCount(words.Length, keys[row], $"row {row}: one key per word");
            for (int w = 0; w < words.Length; w++)
            {
                int first = Enumerable.Range(0, encoding.Length).First(i => encoding.WordIds[i] == w);
                long argmax = logits[first].argmax().item<long>();
                Assert.AreEqual((uint)argmax + 1, keys[row][w], $"row {row} word {w}: key = label id + 1, never shifted");
                Assert.AreEqual(logits[first][argmax].item<float>(), scores[row][w], 1e-5f, $"row {row} word {w}");
            }
        }
    }

    [TestMethod]
    public void EvaluationFollowsSeqevalsDocumentedExample()
    {
        // seqeval's README: y_true = [[O O O B-MISC I-MISC I-MISC O] [B-PER I-PER O]], y_pred = [[O O B-MISC I-MISC I-MISC I-MISC O] [B-PER I-PER O]]
        // → f1_score 0.50, accuracy_score 0.80; classification_report: MISC P 0.00 R 0.00 (support 1), PER P 1.00 R 1.00 (support 1).
        var mlContext = new MLContext();
        var rows = new[]
        {
            new { Gold = new[] { "O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O" }, Guess = new[] { "O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O" } },
            new { Gold = new[] { "B-PER", "I-PER", "O" }, Guess = new[] { "B-PER", "I-PER", "O" } },
        }.Select(r => new EvaluationRow { Label = r.Gold, PredictedLabel = r.Guess }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Transforms.Conversion.MapValueToKey("PredictedLabel"))
            .Fit(data).Transform(data);
        var metrics = mlContext.Transforms.Deberta.EvaluateTokenClassification(keyed);
        Assert.AreEqual(0.5, metrics.Micro.F1, 1e-12);
        Assert.AreEqual(0.5, metrics.Micro.Precision, 1e-12);
        Assert.AreEqual(0.5, metrics.Micro.Recall, 1e-12);
        Assert.AreEqual(0.8, metrics.TokenAccuracy, 1e-12);
        Assert.AreEqual(0.0, metrics.PerType["MISC"].F1);
        Assert.AreEqual(1.0, metrics.PerType["PER"].F1);
    }

    private sealed class EvaluationRow
    {
        public string[] Label { get; set; } = [];

        public string[] PredictedLabel { get; set; } = [];
    }
}
