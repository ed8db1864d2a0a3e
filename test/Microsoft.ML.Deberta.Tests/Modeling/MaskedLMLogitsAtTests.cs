using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// A masked LM's vocabulary head run at chosen positions only (<c>DebertaForMaskedLM.LogitsAt</c>, what the fill-mask
/// scorer calls) gives the rows of the whole forward pass's logits at those positions, for both heads and padded rows.
/// The fill-mask parity tests compare the route's propositions with transformers' pipeline.
/// </summary>
[TestClass]
public sealed class MaskedLMLogitsAtTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("v1", true)]
    [DataRow("v2", true)]
    [DataRow("v2", false)]
    public void LogitsAtPositionsAreTheWholePassesRowsThere(string shape, bool legacyHead)
    {
        using var scope = NewDisposeScope();
        var config = SmallRelativeModels.Config(shape);
        config.Legacy = legacyHead;
        using var model = new DebertaForMaskedLM(config, seed: 23);
        model.ConvertForInference(DebertaPrecision.Float32);
        // Rows of 9, 5 and 7 tokens; positions in every row, the last token of a padded row among them, in no order.
        var (ids, mask) = SmallRelativeModels.PaddedBatch(3, 9, (1, 5), (2, 7));
        long[] positions = [0 * 9 + 6, 0 * 9 + 1, 1 * 9 + 4, 2 * 9 + 0, 2 * 9 + 3];
        var types = zeros_like(ids);

        using var noGrad = no_grad();
        var whole = model.Forward(ids, mask, types).Logits;
        var expected = whole.reshape(-1, config.VocabSize).index_select(0, tensor(positions));
        var actual = model.LogitsAt(ids, mask, types, tensor(positions));

        CollectionAssert.AreEqual(new long[] { positions.Length, config.VocabSize }, actual.shape);
        SmallRelativeModels.AssertSameLogits(expected, actual, DebertaPrecision.Float32, "at positions − whole pass", TestContext);
        // The positions' rows differ from one another, so a row taken from the wrong position would show.
        Assert.IsGreaterThan(1e-3, (expected[0] - expected[1]).abs().max().item<float>());
    }
}
