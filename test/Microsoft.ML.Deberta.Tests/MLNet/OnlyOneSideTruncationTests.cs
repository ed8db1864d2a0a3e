using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>Tokenize</c> with <c>OnlyFirst</c>/<c>OnlySecond</c> truncation raises, as transformers does, when the text it
/// may not cut alone exceeds the budget: the message names the row, the column and the fix.
/// </summary>
[TestClass]
public sealed class OnlyOneSideTruncationTests
{
    private static readonly string TokenizerFolder = GoldenData.Bundled("tokenizer", "deberta-v1");

    public sealed class Row
    {
        public string First { get; set; } = "";

        public string Second { get; set; } = "";
    }

    private const string Long = "one two three four five six seven eight nine ten eleven twelve";

    [TestMethod]
    [DataRow(DebertaTruncation.OnlyFirst, "Second")]
    [DataRow(DebertaTruncation.OnlySecond, "First")]
    public void ARowWhoseOtherTextAloneExceedsTheBudgetIsNamed(DebertaTruncation truncation, string uncutColumn)
    {
        var mlContext = new MLContext(seed: 1);
        Row[] rows =
        [
            new() { First = "a short one", Second = "fine" },
            new() { First = "also short", Second = "still fine" },
            truncation == DebertaTruncation.OnlyFirst ? new() { First = "short", Second = Long } : new() { First = Long, Second = "short" },
        ];
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var model = mlContext.Transforms.Deberta.Tokenize(new TokenizationOptions
        {
            TokenizerFolder = TokenizerFolder,
            TextColumnName = "First",
            TextPairColumnName = "Second",
            MaxLength = 10,
            Truncation = truncation,
        }).Fit(data);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => model.Transform(data).GetColumn<long[]>("InputIds").ToArray());
        StringAssert.Contains(e.Message, "Row 3:");
        StringAssert.Contains(e.Message, $"'{uncutColumn}'");
        StringAssert.Contains(e.Message, truncation.ToString());
        StringAssert.Contains(e.Message, "LongestFirst");

        var engine = mlContext.Model.CreatePredictionEngine<Row, Ids>(model);
        var one = Assert.ThrowsExactly<InvalidOperationException>(() => engine.Predict(rows[2]), "a PredictionEngine says the same");
        StringAssert.Contains(one.Message, truncation.ToString());
        Assert.IsNotEmpty(engine.Predict(rows[0]).InputIds, "the other rows still tokenize");
    }

    public sealed class Ids
    {
        public long[] InputIds { get; set; } = [];
    }
}
