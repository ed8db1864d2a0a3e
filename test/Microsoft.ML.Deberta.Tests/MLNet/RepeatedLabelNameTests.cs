using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// A checkpoint whose id2label repeats a class name (transformers then keeps one label2id entry for it) gets a
/// message naming the repeated name and its class ids, not a dictionary's "same key" crash.
/// </summary>
[TestClass]
public sealed class RepeatedLabelNameTests
{
    public sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private static readonly string[] Repeated = ["yes", "no", "yes"];

    // As transformers writes it: label2id = {name: id}, so the repeated name keeps only its last id.
    private static void WithCollapsedLabel2Id(JsonObject config)
    {
        config["id2label"] = new JsonObject(Repeated.Select((n, i) => KeyValuePair.Create(i.ToString(), (JsonNode?)JsonValue.Create(n))));
        config["label2id"] = new JsonObject { ["yes"] = 2, ["no"] = 1 };
    }

    private static void WithoutLabel2Id(JsonObject config)
    {
        config["id2label"] = new JsonObject(Repeated.Select((n, i) => KeyValuePair.Create(i.ToString(), (JsonNode?)JsonValue.Create(n))));
        config.Remove("label2id");
    }

    private static void AssertNamesTheDuplicate(Exception e)
    {
        StringAssert.Contains(e.Message, "'yes'");
        StringAssert.Contains(e.Message, "0 and 2");
        StringAssert.Contains(e.Message, "id2label");
    }

    [TestMethod]
    public void ApplyTextModelNamesTheRepeatedClassName()
    {
        foreach (var edit in new Action<JsonObject>[] { WithCollapsedLabel2Id, WithoutLabel2Id })
        {
            using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", edit);
            var mlContext = new MLContext(seed: 1);
            var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "a,b" } });
            var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta.ApplyTextModel(folder.Path).Fit(data));
            AssertNamesTheDuplicate(e);
        }
    }

    [TestMethod]
    public void FineTuningAKeptHeadNamesTheRepeatedClassName()
    {
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", WithCollapsedLabel2Id);
        var mlContext = new MLContext(seed: 1);
        var rows = new[] { "no", "yes", "maybe" }.Select((label, i) => new Row { Text = $"a,{i}", Label = label }).ToArray();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Deberta.TextClassification(new TextClassificationOptions { ModelFolder = folder.Path, MaxLength = 16, Epochs = 1 }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        AssertNamesTheDuplicate(e);
    }
}
