using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// Batched inference of the token-level heads (the pipeline parity tests run the golden checkpoints through it):
/// batching and padding change nothing, each window gets the rows of its own tokens, bad windows are named.
/// </summary>
[TestClass]
public sealed class TokenLevelPredictorTests
{
    private static readonly string[] Texts = ["Pengcheng He works at Microsoft in Redmond, Washington.", "I loved this movie!", "Zürich and Genève are cities in Switzerland."];

    [TestMethod]
    public void BatchesAndPaddingChangeNothing()
    {
        string folder = GoldenData.Bundled("pipelines", "v1_tokcls");
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        using var model = DebertaCheckpoint.Load<DebertaForTokenClassification>(folder);
        var windows = Texts.Select(t => tokenizer.Encode(t)).ToArray();
        var single = windows.Select(w => TokenLevelPredictor.PredictTokenLogits(model, [w], batchSize: 1)[0]).ToArray();
        var batched = TokenLevelPredictor.PredictTokenLogits(model, windows, batchSize: 8);
        var padded = TokenLevelPredictor.PredictTokenLogits(model, tokenizer.EncodeBatch(Texts, new DebertaEncodeOptions { Padding = DebertaPadding.MaxLength, MaxLength = 40 }));
        double largest = 0;
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.HasCount(windows[i].Length * model.Config.NumLabels, single[i], $"text {i}: one row per token");
            Assert.HasCount(single[i].Length, batched[i]);
            Assert.HasCount(single[i].Length, padded[i], $"text {i}: the pads' rows are left out");
            for (int k = 0; k < single[i].Length; k++)
                largest = Math.Max(largest, Math.Max(Math.Abs(single[i][k] - batched[i][k]), Math.Abs(single[i][k] - padded[i][k])));
        }
        Console.WriteLine($"max |batched or padded − single| {largest:E2}");
        Assert.IsLessThan(1e-5, largest);
    }

    [TestMethod]
    public void QuestionAnsweringGetsOneStartAndEndPerToken()
    {
        string folder = GoldenData.Bundled("pipelines", "v1_qa");
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        using var model = DebertaCheckpoint.Load<DebertaForQuestionAnswering>(folder);
        var window = tokenizer.Encode("Who?", Texts[0]);
        (float[][] start, float[][] end) = TokenLevelPredictor.PredictSpanLogits(model, [window, window]);
        Assert.HasCount(window.Length, start[0]);
        Assert.HasCount(window.Length, end[1]);
        CollectionAssert.AreEqual(start[0], start[1]);
    }

    [TestMethod]
    public void BadWindowsAreNamed()
    {
        string folder = GoldenData.Bundled("pipelines", "v1_tokcls");
        using var model = DebertaCheckpoint.Load<DebertaForTokenClassification>(folder);
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        var empty = tokenizer.Encode("", new DebertaEncodeOptions { AddSpecialTokens = false });
        var e = Assert.ThrowsExactly<ArgumentException>(() => TokenLevelPredictor.PredictTokenLogits(model, [tokenizer.Encode("fine"), empty]));
        StringAssert.Contains(e.Message, "windows[1] (source row 1) has no tokens");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TokenLevelPredictor.PredictTokenLogits(model, [tokenizer.Encode("fine")], batchSize: 0));
    }
}
