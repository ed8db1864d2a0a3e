using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Training;

[TestClass]
public sealed class DebertaInputBatchTests
{
    private static readonly DebertaTokenizerBase Tokenizer = DebertaTokenizerBase.FromFolder(GoldenData.Bundled("pipelines", "v1_seqcls"));

    [TestMethod]
    public void RowsAreTheEncodingsRightPaddedToTheLongest()
    {
        var encodings = Tokenizer.EncodeBatch(["Short.", "A rather longer sentence than the first one."], ["a pair", null]);
        Assert.AreNotEqual(encodings[0].Length, encodings[1].Length, "the test needs rows of different lengths");
        int length = Math.Max(encodings[0].Length, encodings[1].Length);
        const int pad = 7;   // not 0, so that padding is told apart from token type 0 and mask 0

        using var inputs = DebertaInputBatch.FromEncodings(encodings, pad);

        foreach (var tensor in new[] { inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds })
        {
            CollectionAssert.AreEqual(new long[] { 2, length }, tensor.shape);
            Assert.AreEqual(torch.ScalarType.Int64, tensor.dtype);
            Assert.AreEqual(DeviceType.CPU, tensor.device_type);
        }
        Assert.IsTrue(encodings[0].TokenTypeIds.Contains(1), "the pair's token types must reach the batch");
        for (int r = 0; r < 2; r++)
        {
            var e = encodings[r];
            for (int t = 0; t < length; t++)
            {
                bool token = t < e.Length;
                Assert.AreEqual(token ? e.InputIds[t] : pad, inputs.InputIds[r, t].item<long>(), $"input_ids[{r}, {t}]");
                Assert.AreEqual(token ? e.AttentionMask[t] : 0, inputs.AttentionMask[r, t].item<long>(), $"attention_mask[{r}, {t}]");
                Assert.AreEqual(token ? e.TokenTypeIds[t] : 0, inputs.TokenTypeIds[r, t].item<long>(), $"token_type_ids[{r}, {t}]");
            }
        }
    }

    [TestMethod]
    public void EncodingsThePaddingTokenizerPaddedKeepTheirMask()
    {
        var options = new DebertaEncodeOptions { Padding = DebertaPadding.Longest };
        var encodings = Tokenizer.EncodeBatch(["Short.", "A rather longer sentence than the first one."], options);

        using var inputs = DebertaInputBatch.FromEncodings(encodings, Tokenizer.PadTokenId);

        CollectionAssert.AreEqual(encodings[0].AttentionMask.Select(m => (long)m).ToArray(), inputs.AttentionMask[0].data<long>().ToArray());
        Assert.AreEqual(encodings[0].AttentionMask.Count(m => m == 1), inputs.AttentionMask[0].sum().item<long>());
        Assert.IsLessThan(encodings[0].Length, (int)inputs.AttentionMask[0].sum().item<long>(), "the short row is padded");
    }

    [TestMethod]
    public void AnEmptyListIsRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => DebertaInputBatch.FromEncodings([], Tokenizer.PadTokenId));
        StringAssert.Contains(e.Message, "no encodings to batch");
        Assert.AreEqual("encodings", e.ParamName);
    }

    [TestMethod]
    public void ANullRowIsNamedByItsIndex()
    {
        var encodings = new List<DebertaEncoding> { Tokenizer.Encode("Fine."), null! };
        var e = Assert.ThrowsExactly<ArgumentException>(() => DebertaInputBatch.FromEncodings(encodings, Tokenizer.PadTokenId));
        StringAssert.Contains(e.Message, "encodings[1] is null");
    }
}
