using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Tests.Parity;

namespace Microsoft.ML.Deberta.Tests.Configuration;

[TestClass]
public sealed class DebertaConfigTests
{
    private static IEnumerable<string> GoldenConfigs() =>
        GoldenModelFolder.FindAll().Select(f => Path.Combine(f, "config.json"));

    [TestMethod]
    public void ReadsEveryGoldenConfigAsWritten()
    {
        int count = 0;
        foreach (var file in GoldenConfigs())
        {
            var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var config = DebertaConfig.Load(file);
            string where = file;
            Assert.AreEqual((string)json["model_type"]!, config.ModelType, where);
            Assert.AreEqual((int)json["vocab_size"]!, config.VocabSize, where);
            Assert.AreEqual((int)json["hidden_size"]!, config.HiddenSize, where);
            Assert.AreEqual((int)json["num_hidden_layers"]!, config.NumHiddenLayers, where);
            Assert.AreEqual((int)json["num_attention_heads"]!, config.NumAttentionHeads, where);
            Assert.AreEqual((int)json["intermediate_size"]!, config.IntermediateSize, where);
            Assert.AreEqual((int)json["max_position_embeddings"]!, config.MaxPositionEmbeddings, where);
            Assert.AreEqual((int)json["max_relative_positions"]!, config.MaxRelativePositions, where);
            Assert.AreEqual((int)json["type_vocab_size"]!, config.TypeVocabSize, where);
            Assert.AreEqual((double)json["layer_norm_eps"]!, config.LayerNormEps, where);
            Assert.AreEqual((bool)json["relative_attention"]!, config.RelativeAttention, where);
            Assert.AreEqual((bool)json["position_biased_input"]!, config.PositionBiasedInput, where);
            Assert.AreEqual((bool)json["legacy"]!, config.Legacy, where);
            Assert.AreEqual((string)json["hidden_act"]!, config.HiddenAct switch
            {
                ActivationFunction.Gelu => "gelu", ActivationFunction.GeluNew => "gelu_new",
                ActivationFunction.Relu => "relu", _ => "tanh",
            }, where);
            var posAtt = json["pos_att_type"] is JsonArray a ? a.Select(x => (string)x!).ToList() : new List<string>();
            CollectionAssert.AreEqual(posAtt, config.PosAttType.ToList(), where);
            Assert.AreEqual((int?)json["embedding_size"], config.EmbeddingSize, where);
            Assert.AreEqual((int?)json["position_buckets"], config.PositionBuckets, where);
            Assert.AreEqual((bool?)json["share_att_key"], config.ShareAttKey, where);
            Assert.AreEqual((string?)json["norm_rel_ebd"], config.NormRelEbd, where);
            Assert.AreEqual((int?)json["conv_kernel_size"], config.ConvKernelSize, where);
            int labels = json["id2label"] is JsonObject id2label ? id2label.Count : 2;
            Assert.AreEqual(labels, config.NumLabels, where);
            Assert.AreEqual((string?)json["problem_type"], config.ProblemType switch
            {
                null => null, ProblemType.Regression => "regression",
                ProblemType.SingleLabelClassification => "single_label_classification", _ => "multi_label_classification",
            }, where);
            Assert.AreEqual((string)json["architectures"]![0]!, config.Architectures[0], where);
            count++;
        }
        Assert.IsGreaterThan(0, count);
    }

    [TestMethod]
    public void RoundTripKeepsEveryKeyAndValueOfEveryGoldenConfig()
    {
        foreach (var file in GoldenConfigs())
        {
            var original = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var written = JsonNode.Parse(DebertaConfig.Load(file).ToJson())!.AsObject();
            AssertJsonEqual(original, written, file);
        }
    }

    [TestMethod]
    public void UnknownKeysRoundTrip()
    {
        var config = DebertaConfig.FromJson("""{"model_type": "deberta-v2", "custom": {"a": [1, 2, "x"]}, "transformers_version": "4.27.1"}""");
        var written = JsonNode.Parse(config.ToJson())!.AsObject();
        Assert.AreEqual("""{"a":[1,2,"x"]}""", written["custom"]!.ToJsonString());
        Assert.AreEqual("4.27.1", (string)written["transformers_version"]!);
    }

    [TestMethod]
    public void SaveWritesAFileThatReadsBackEqual()
    {
        var folder = Path.Combine(Path.GetTempPath(), "deberta-config-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = DebertaConfig.Load(GoldenConfigs().First(f => f.Contains("v3_like_buckets") && f.Contains("tokcls")));
            var path = config.Save(folder);
            Assert.AreEqual(Path.Combine(folder, "config.json"), path);
            AssertJsonEqual(JsonNode.Parse(config.ToJson())!.AsObject(), JsonNode.Parse(File.ReadAllText(path))!.AsObject(), path);
            Assert.IsEmpty(Directory.GetFiles(folder, "*.tmp-*"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [TestMethod]
    public void DefaultsFollowTheModelType()
    {
        var v1 = DebertaConfig.FromJson("""{"model_type": "deberta"}""");
        Assert.AreEqual((50265, 768, 12, 12, 3072), (v1.VocabSize, v1.HiddenSize, v1.NumHiddenLayers, v1.NumAttentionHeads, v1.IntermediateSize));
        var v2 = DebertaConfig.FromJson("""{"model_type": "deberta-v2"}""");
        Assert.AreEqual((128100, 1536, 24, 24, 6144), (v2.VocabSize, v2.HiddenSize, v2.NumHiddenLayers, v2.NumAttentionHeads, v2.IntermediateSize));
        foreach (var c in new[] { v1, v2 })
        {
            Assert.AreEqual(1e-7, c.LayerNormEps);
            Assert.IsFalse(c.RelativeAttention);
            Assert.IsTrue(c.PositionBiasedInput);
            Assert.AreEqual(-1, c.MaxRelativePositions);
            Assert.AreEqual(512, c.EffectiveMaxRelativePositions);
            Assert.AreEqual(0, c.TypeVocabSize);
            Assert.AreEqual(ActivationFunction.Gelu, c.HiddenAct);
            Assert.AreEqual(c.HiddenSize, c.EffectiveEmbeddingSize);
            Assert.AreEqual(0.1, c.EffectiveClsDropout);
            Assert.IsEmpty(c.PosAttType);
            Assert.AreEqual(2, c.NumLabels);
            Assert.IsTrue(c.Legacy);
        }
        Assert.AreEqual(DebertaVersion.V2, new DebertaConfig(DebertaVersion.V2).Version);
    }

    [TestMethod]
    public void PosAttTypeStringIsLowerCasedSplitAndStripped()
    {
        var c = DebertaConfig.FromJson("""{"model_type": "deberta", "pos_att_type": "P2C | c2p"}""");
        CollectionAssert.AreEqual(new[] { "p2c", "c2p" }, c.PosAttType.ToList());
        var list = DebertaConfig.FromJson("""{"model_type": "deberta", "pos_att_type": ["c2p"]}""");
        CollectionAssert.AreEqual(new[] { "c2p" }, list.PosAttType.ToList());
        var none = DebertaConfig.FromJson("""{"model_type": "deberta", "pos_att_type": null}""");
        Assert.IsEmpty(none.PosAttType);
    }

    [TestMethod]
    public void MaxRelativePositionsBelowOneMeansMaxPositionEmbeddings()
    {
        Assert.AreEqual(64, DebertaConfig.FromJson("""{"model_type": "deberta", "max_position_embeddings": 64, "max_relative_positions": 0}""").EffectiveMaxRelativePositions);
        Assert.AreEqual(8, DebertaConfig.FromJson("""{"model_type": "deberta", "max_position_embeddings": 64, "max_relative_positions": 8}""").EffectiveMaxRelativePositions);
    }

    [TestMethod]
    public void LabelsFollowId2LabelOrNumLabels()
    {
        var named = DebertaConfig.FromJson("""{"model_type": "deberta", "id2label": {"0": "CONTRADICTION", "1": "NEUTRAL", "2": "ENTAILMENT"}}""");
        Assert.AreEqual(3, named.NumLabels);
        Assert.AreEqual("ENTAILMENT", named.Id2Label[2]);
        Assert.AreEqual(1, named.Label2Id["NEUTRAL"]);
        var counted = DebertaConfig.FromJson("""{"model_type": "deberta", "num_labels": 5}""");
        Assert.AreEqual("LABEL_4", counted.Id2Label[4]);
        counted.SetLabels(["neg", "pos"]);
        var written = JsonNode.Parse(counted.ToJson())!.AsObject();
        Assert.AreEqual("pos", (string)written["id2label"]!["1"]!);
        // transformers leaves the default two labels out of a saved config.
        Assert.IsFalse(JsonNode.Parse(new DebertaConfig().ToJson())!.AsObject().ContainsKey("id2label"));
    }

    [TestMethod]
    [DataRow("""{"model_type": "bert"}""", "model_type")]
    [DataRow("""{"hidden_size": 32}""", "model_type")]
    [DataRow("""{"model_type": "deberta", "hidden_act": "swish"}""", "hidden_act")]
    [DataRow("""{"model_type": "deberta", "pooler_hidden_act": "sigmoid"}""", "pooler_hidden_act")]
    [DataRow("""{"model_type": "deberta-v2", "conv_act": "mish"}""", "conv_act")]
    [DataRow("""{"model_type": "deberta", "hidden_size": 100, "num_attention_heads": 12}""", "num_attention_heads")]
    [DataRow("""{"model_type": "deberta", "hidden_size": 32, "num_attention_heads": 4, "pooler_hidden_size": 64}""", "pooler_hidden_size")]
    [DataRow("""{"model_type": "deberta", "num_labels": 3, "id2label": {"0": "a", "1": "b"}}""", "num_labels")]
    [DataRow("""{"model_type": "deberta", "vocab_size": -5}""", "vocab_size")]
    [DataRow("""{"model_type": "deberta", "hidden_size": 0}""", "hidden_size")]
    [DataRow("""{"model_type": "deberta", "num_hidden_layers": -1}""", "num_hidden_layers")]
    [DataRow("""{"model_type": "deberta", "intermediate_size": -3072}""", "intermediate_size")]
    [DataRow("""{"model_type": "deberta", "type_vocab_size": -1}""", "type_vocab_size")]
    [DataRow("""{"model_type": "deberta", "embedding_size": -24}""", "embedding_size")]
    [DataRow("""{"model_type": "deberta", "hidden_size": "768"}""", "hidden_size")]
    [DataRow("""{"model_type": "deberta-v2", "hidden_size": 768, "num_attention_heads": 12, "attention_head_size": 32}""", "attention_head_size")]
    [DataRow("""{"model_type": "deberta", "pos_att_type": "c2p|x2y"}""", "pos_att_type")]
    [DataRow("""{"model_type": "deberta", "problem_type": "ranking"}""", "problem_type")]
    [DataRow("""{"model_type": "deberta", "id2label": {"zero": "a"}}""", "id2label")]
    [DataRow("""{"model_type": "deberta", "id2label": {"0": "a", "2": "b"}}""", "id2label")]
    [DataRow("""{"model_type": "deberta", "hidden_dropout_prob": 1.5}""", "hidden_dropout_prob")]
    [DataRow("""{"model_type": "deberta", "layer_norm_eps": 0}""", "layer_norm_eps")]
    [DataRow("""{"model_type": "deberta", "vocab_size": 10, "pad_token_id": 10}""", "pad_token_id")]
    [DataRow("""{"model_type": "deberta-v2", "norm_rel_ebd": "batch_norm"}""", "norm_rel_ebd")]
    [DataRow("""{"model_type": "deberta-v2", "conv_kernel_size": 3, "conv_groups": 5}""", "conv_groups")]
    [DataRow("""{"model_type": "deberta-v2", "conv_kernel_size": 4}""", "conv_kernel_size")]
    [DataRow("""{"model_type": "deberta", "relative_attention": "yes"}""", "relative_attention")]
    [DataRow("""[1, 2]""", "config.json")]
    [DataRow("""{"model_type": "deberta",""", "config.json")]
    public void InvalidConfigNamesTheField(string json, string field)
    {
        var e = Assert.ThrowsExactly<DebertaConfigException>(() => DebertaConfig.FromJson(json));
        Assert.AreEqual(field, e.FieldName, e.Message);
        Assert.Contains(field == "config.json" ? "JSON" : field, e.Message);
    }

    [TestMethod]
    public void LoadNamesTheFileInItsErrors()
    {
        var file = Path.Combine(Path.GetTempPath(), "deberta-bad-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """{"model_type": "deberta", "hidden_act": "swish"}""");
        try
        {
            var e = Assert.ThrowsExactly<DebertaConfigException>(() => DebertaConfig.Load(file));
            Assert.Contains(file, e.Message);
            Assert.AreEqual("hidden_act", e.FieldName);
            Assert.ThrowsExactly<FileNotFoundException>(() => DebertaConfig.Load(file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestMethod]
    public void ChangedConfigIsValidatedWhenUsed()
    {
        var config = new DebertaConfig { HiddenSize = 30, NumAttentionHeads = 4 };
        var e = Assert.ThrowsExactly<DebertaConfigException>(() => config.ToJson());
        Assert.AreEqual("num_attention_heads", e.FieldName);
        Assert.ThrowsExactly<DebertaConfigException>(() => config.NumLabels = 0);
    }

    private static void AssertJsonEqual(JsonNode? expected, JsonNode? actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.IsNull(actual, where);
                break;
            case JsonObject o:
                var a = actual as JsonObject;
                Assert.IsNotNull(a, where);
                CollectionAssert.AreEquivalent(o.Select(kv => kv.Key).ToList(), a.Select(kv => kv.Key).ToList(), where);
                foreach (var (key, value) in o) AssertJsonEqual(value, a[key], $"{where}:{key}");
                break;
            case JsonArray arr:
                var b = actual as JsonArray;
                Assert.IsNotNull(b, where);
                Assert.HasCount(arr.Count, b, where);
                for (int i = 0; i < arr.Count; i++) AssertJsonEqual(arr[i], b[i], $"{where}[{i}]");
                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                Assert.AreEqual(v.GetValue<double>(), actual!.GetValue<double>(), where);
                break;
            default:
                Assert.AreEqual(expected.ToJsonString(), actual?.ToJsonString(), where);
                break;
        }
    }
}
