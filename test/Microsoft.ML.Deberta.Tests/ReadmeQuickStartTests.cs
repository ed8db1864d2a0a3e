using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Parity;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests;

/// <summary>
/// Keeps the README's quick start true: the same statements, run on a Hugging Face folder as a real checkpoint
/// ships (float16 weights, vocab.json + merges.txt), and compared with what transformers' text-classification
/// pipeline returned for the same texts (golden pipelines/v1_seqcls, top_k=None).
/// </summary>
[TestClass]
public sealed class ReadmeQuickStartTests
{
    // Not in the Parity category: it runs the README on the bundled folder; TextClassificationPipelineParityTests walks
    // every text-classification folder of the golden root.
    [TestMethod]
    public void QuickStartMatchesTheTextClassificationPipeline()
    {
        string folder = GoldenData.Bundled("pipelines", "v1_seqcls");
        using var reference = GoldenPipelineFolder.Open(folder);
        string[] texts = reference.Texts;
        var expected = reference.Outputs.GetProperty("top_k_none").EnumerateArray()
            .Select(row => row.EnumerateArray().ToDictionary(e => e.GetProperty("label").GetString()!, e => e.GetProperty("score").GetDouble()))
            .ToArray();

        // --- README quick start (keep in sync) ---
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder);

        var encodings = tokenizer.EncodeBatch(
            texts,
            new DebertaEncodeOptions { MaxLength = 512, Truncation = DebertaTruncation.LongestFirst });
        using var inputs = DebertaInputBatch.FromEncodings(encodings, tokenizer.PadTokenId);   // padded to the longest

        using var output = model.Predict(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);   // eval mode, no autograd
        using var probabilities = output.Logits.softmax(-1);
        // --- end of quick start ---

        double largest = 0;
        for (int row = 0; row < texts.Length; row++)
        {
            foreach (var (label, score) in expected[row])
            {
                int id = model.Config.Label2Id[label];
                double delta = Math.Abs(probabilities[row, id].item<float>() - score);
                largest = Math.Max(largest, delta);
                Assert.IsLessThan(1e-5, delta, $"text {row} ('{texts[row]}'), label {label}: expected {score}");
            }
        }
        Console.WriteLine($"text-classification pipeline parity: {texts.Length} texts, largest |Δ| {largest:E2}");
    }
}
