using System.Text.Json;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.FillMask;
using Microsoft.ML.Deberta.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// <see cref="FillMaskDecoder"/> over <see cref="DebertaForMaskedLM"/> against transformers' fill-mask pipeline, for
/// every <c>pipelines/&lt;name&gt;/</c> folder of the golden root whose golden_pipeline.json holds fill-mask outputs
/// (a list per masked text): the folder is loaded as it ships (fp16 weights, its own tokenizer files), each text
/// that holds the mask token is run alone as the pipeline does, token ids, token_str and sequence must be equal and
/// scores agree within 1e-5.
/// </summary>
[TestClass]
public sealed class FillMaskPipelineParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [TestCategory("Parity")]
    public void DecoderProposesAsTransformersFillMaskPipeline() =>
        ForEachFillMaskFolder((folder, root, outputs) => Compare(folder, root, outputs), "", line => TestContext.WriteLine(line));

    /// <summary>
    /// Runs <paramref name="compare"/> on every <c>pipelines/&lt;name&gt;/</c> of the golden root with fill-mask outputs and
    /// logs the parity line per folder; inconclusive or failing (<see cref="GoldenData.NothingToCompare"/>) when there is none.
    /// </summary>
    internal static void ForEachFillMaskFolder(Func<string, JsonElement, JsonElement, (int Compared, double Largest)> compare, string path, Action<string> log)
    {
        string pipelines = GoldenData.RequireFolder("pipelines");
        int folders = 0;
        foreach (string folder in Directory.GetDirectories(pipelines).Order(StringComparer.Ordinal))
        {
            string file = Path.Combine(folder, "golden_pipeline.json");
            if (!File.Exists(file))
                continue;
            using var reference = JsonDocument.Parse(File.ReadAllText(file));
            if (!IsFillMask(reference.RootElement, out JsonElement outputs))
                continue;
            var (compared, largest) = compare(folder, reference.RootElement, outputs);
            log($"pipeline {Path.GetFileName(folder)} fill-mask{path}: {compared} outputs compared, max |Δscore| {largest:E2}");
            Assert.IsGreaterThan(0, compared, $"{Path.GetFileName(folder)}: fill-mask outputs are present but none was compared");
            folders++;
        }
        if (folders == 0)
            GoldenData.NothingToCompare($"no pipelines/<name>/golden_pipeline.json with fill-mask outputs under {pipelines}");
    }

    // Fill-mask outputs are a list per masked text of propositions ({score, token, token_str, sequence}), or of
    // such lists when a text has several masks; the other pipelines store an object or other fields.
    private static bool IsFillMask(JsonElement root, out JsonElement outputs)
    {
        if (!root.TryGetProperty("outputs", out outputs) || outputs.ValueKind != JsonValueKind.Array)
            return false;
        foreach (JsonElement perText in outputs.EnumerateArray())
        {
            JsonElement first = perText.EnumerateArray().FirstOrDefault();
            if (first.ValueKind == JsonValueKind.Array)
                first = first.EnumerateArray().FirstOrDefault();
            if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("token_str", out _))
                return true;
        }
        return false;
    }

    private static (int Compared, double Largest) Compare(string folder, JsonElement reference, JsonElement outputs)
    {
        string name = Path.GetFileName(folder);
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        using var model = MaskedLMCheckpoint.LoadTrained(folder);
        var decoder = new FillMaskDecoder(tokenizer);
        string[] masked = reference.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!)
            .Where(t => t.Contains(tokenizer.MaskToken, StringComparison.Ordinal)).ToArray();
        JsonElement[] expected = outputs.EnumerateArray().ToArray();
        Assert.HasCount(expected.Length, masked, $"{name}: one fill-mask output per text holding {tokenizer.MaskToken}");

        int compared = 0;
        double largest = 0;
        for (int t = 0; t < masked.Length; t++)
        {
            var encoding = tokenizer.Encode(masked[t]);
            float[] logits = Logits(model, encoding.InputIds);
            // The pipeline unwraps the single mask's list; several masks give a list per mask.
            JsonElement[][] perMask = expected[t].EnumerateArray().First().ValueKind == JsonValueKind.Array
                ? expected[t].EnumerateArray().Select(m => m.EnumerateArray().ToArray()).ToArray()
                : [expected[t].EnumerateArray().ToArray()];
            var actual = decoder.Decode(encoding.InputIds, logits, model.Config.VocabSize, topK: perMask[0].Length);
            Assert.HasCount(perMask.Length, actual, $"{name}: masks of text {t} ('{masked[t]}')");
            for (int m = 0; m < perMask.Length; m++)
            {
                Assert.HasCount(perMask[m].Length, actual[m], $"{name}: propositions for mask {m} of text {t}");
                for (int p = 0; p < perMask[m].Length; p++)
                {
                    JsonElement want = perMask[m][p];
                    FillMaskPrediction got = actual[m][p];
                    string where = $"{name}: text {t} ('{masked[t]}'), mask {m}, proposition {p}";
                    Assert.AreEqual(want.GetProperty("token").GetInt32(), got.TokenId, $"{where}: token");
                    Assert.AreEqual(want.GetProperty("token_str").GetString(), got.TokenString, $"{where}: token_str");
                    Assert.AreEqual(want.GetProperty("sequence").GetString(), got.Sequence, $"{where}: sequence");
                    double delta = Math.Abs(want.GetProperty("score").GetDouble() - got.Score);
                    largest = Math.Max(largest, delta);
                    Assert.IsLessThanOrEqualTo(1e-5, delta, $"{where}: score");
                    compared++;
                }
            }
        }
        return (compared, largest);
    }

    // The (L, V) logits of one unpadded text, row-major.
    private static float[] Logits(DebertaForMaskedLM model, IReadOnlyList<int> ids)
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.tensor(ids.Select(id => (long)id).ToArray(), 1, ids.Count);
        using var output = model.Predict(input);
        return output.Logits.to_type(torch.ScalarType.Float32).data<float>().ToArray();
    }
}
