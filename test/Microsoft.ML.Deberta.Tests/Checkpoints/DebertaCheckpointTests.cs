using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Parity;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

[TestClass]
public sealed class DebertaCheckpointTests
{
    private static string Golden(string variant, string head) => Path.Combine(GoldenModelFolder.Root, "models", variant, head);

    [TestMethod]
    public void SavedModelHasTheGoldenKeySetAndReloadsToTheSameOutputs()
    {
        foreach (var path in GoldenModelFolder.FindAll())
        {
            using var golden = GoldenModelFolder.Open(path);
            using var temp = new TemporaryDirectory();
            using var scope = NewDisposeScope();
            using var model = DebertaCheckpoint.Load(path);
            model.SavePretrained(temp.Path);

            var goldenKeys = SafeTensorsFile.ReadHeader(Path.Combine(path, "model.safetensors")).Select(e => e.Name).OrderBy(k => k, StringComparer.Ordinal).ToList();
            var savedKeys = SafeTensorsFile.ReadHeader(temp.File("model.safetensors")).Select(e => e.Name).OrderBy(k => k, StringComparer.Ordinal).ToList();
            CollectionAssert.AreEqual(goldenKeys, savedKeys, golden.Name);
            CollectionAssert.AreEqual(goldenKeys, model.StateDictKeys().ToList(), golden.Name);
            Assert.IsEmpty(Directory.GetFiles(temp.Path, "*.tmp-*"), golden.Name);

            var savedConfig = DebertaConfig.Load(temp.Path);
            Assert.AreEqual(DebertaConfig.Load(path).Architectures[0], savedConfig.Architectures[0], golden.Name);
            using var reloaded = DebertaCheckpoint.Load(temp.Path, out var report);
            Assert.IsEmpty(report.NewlyInitializedKeys, golden.Name);
            Assert.IsEmpty(report.UnexpectedKeys, golden.Name);
            model.eval();
            reloaded.eval();
            using (torch.no_grad())
            {
                var a = GoldenRun.Forward(model, golden, withLabels: true, withAttentions: false);
                var b = GoldenRun.Forward(reloaded, golden, withLabels: true, withAttentions: false);
                foreach (var key in a.Keys)
                    Assert.IsTrue(a[key].Identical(b[key]), $"{golden.Name}: {key} differs after save and reload");
            }
        }
    }

    [TestMethod]
    public void BareCheckpointLoadsIntoAHeadWithANewSeededHead()
    {
        var basePath = Golden("v3_like_buckets", "base");
        using var golden = GoldenModelFolder.Open(basePath);
        using var scope = NewDisposeScope();
        using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(basePath, out var report,
            new CheckpointLoadOptions { Seed = 7, Configure = c => c.SetLabels(["a", "b", "c"]) });
        CollectionAssert.AreEquivalent(
            new[] { "classifier.bias", "classifier.weight", "pooler.dense.bias", "pooler.dense.weight" },
            report.NewlyInitializedKeys.ToList());
        using var output = model.Predict(golden.Input("input.input_ids"), golden.Get("input.attention_mask"), outputHiddenStates: true);
        // The backbone is the checkpoint's: its last hidden state is transformers' DebertaV2Model output.
        var tracker = new ToleranceTracker();
        tracker.Elementwise("last_hidden_state", "base into seqcls", output.HiddenStates![^1], golden.Tensors["last_hidden_state"]);
        Assert.IsEmpty(tracker.Failures, string.Join("\n", tracker.Failures));
        Assert.AreEqual(3, output.Logits.shape[1]);

        // The new head is transformers' initialisation (N(0, initializer_range), zero bias), fixed by the seed.
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.AreEqual(0.0, parameters["classifier.bias"].abs().sum().item<float>());
        double std = parameters["pooler.dense.weight"].std().item<float>();
        Assert.IsTrue(Math.Abs(std - 0.02) < 0.003, $"pooler std {std}");
        using var again = DebertaCheckpoint.Load<DebertaForSequenceClassification>(basePath,
            new CheckpointLoadOptions { Seed = 7, Configure = c => c.SetLabels(["a", "b", "c"]) });
        using var other = DebertaCheckpoint.Load<DebertaForSequenceClassification>(basePath,
            new CheckpointLoadOptions { Seed = 8, Configure = c => c.SetLabels(["a", "b", "c"]) });
        var sameSeed = again.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var otherSeed = other.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.IsTrue(parameters["classifier.weight"].Identical(sameSeed["classifier.weight"]));
        Assert.IsFalse(parameters["classifier.weight"].Identical(otherSeed["classifier.weight"]));
    }

    [TestMethod]
    public void HeadCheckpointLoadsIntoTheBareModelWithoutPrefix()
    {
        var path = Golden("v1_rel_c2p_p2c", "seqcls");
        using var golden = GoldenModelFolder.Open(path);
        using var scope = NewDisposeScope();
        using var model = DebertaCheckpoint.Load<DebertaModel>(path, out var report);
        CollectionAssert.AreEquivalent(new[] { "pooler.dense.bias", "pooler.dense.weight" }, report.IgnoredKeys.ToList());
        CollectionAssert.AreEquivalent(new[] { "classifier.bias", "classifier.weight" }, report.UnexpectedKeys.ToList());
        using var output = model.Predict(golden.Input("input.input_ids"), golden.Get("input.attention_mask"));
        var tracker = new ToleranceTracker();
        tracker.Elementwise("last_hidden_state", "seqcls into bare", output.LastHiddenState, golden.Tensors["hidden_states.2"]);
        Assert.IsEmpty(tracker.Failures, string.Join("\n", tracker.Failures));
    }

    [TestMethod]
    public void KeysWithoutPrefixLoadIntoAHead()
    {
        var path = Golden("v2_noshare_nobuckets", "tokcls");
        using var golden = GoldenModelFolder.Open(path);
        using var temp = CopyOf(path);
        RewriteWeights(temp, tensors => tensors.ToDictionary(kv => kv.Key.StartsWith("deberta.") ? kv.Key["deberta.".Length..] : kv.Key, kv => kv.Value));
        using var scope = NewDisposeScope();
        using var model = DebertaCheckpoint.Load<DebertaForTokenClassification>(temp.Path, out var report);
        Assert.IsEmpty(report.NewlyInitializedKeys);
        using var output = model.Predict(golden.Input("input.input_ids"), golden.Get("input.attention_mask"), golden.Get("input.token_type_ids"));
        var tracker = new ToleranceTracker();
        tracker.Elementwise("logits", "unprefixed tokcls", output.Logits, golden.Tensors["logits"]);
        Assert.IsEmpty(tracker.Failures, string.Join("\n", tracker.Failures));
    }

    [TestMethod]
    public void KeysRealCheckpointsCarryAreIgnored()
    {
        var path = Golden("v3_like_buckets", "seqcls");
        using var golden = GoldenModelFolder.Open(path);
        using var temp = CopyOf(path);
        var extra = new[]
        {
            "deberta.embeddings.position_embeddings.weight", "deberta.embeddings.position_ids", "mask_predictions.dense.weight",
            "mask_predictions.classifier.bias", "lm_predictions.lm_head.bias", "cls.predictions.decoder.weight",
        };
        RewriteWeights(temp, tensors =>
        {
            tensors["deberta.embeddings.position_embeddings.weight"] = torch.randn(64, 32);
            tensors["deberta.embeddings.position_ids"] = torch.arange(64, dtype: ScalarType.Int64).unsqueeze(0);
            tensors["mask_predictions.dense.weight"] = torch.randn(32, 32);
            tensors["mask_predictions.classifier.bias"] = torch.randn(1);
            tensors["lm_predictions.lm_head.bias"] = torch.randn(128);
            tensors["cls.predictions.decoder.weight"] = torch.randn(128, 32);
            return tensors;
        });
        using var scope = NewDisposeScope();
        using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(temp.Path, out var report);
        CollectionAssert.AreEquivalent(extra, report.IgnoredKeys.ToList());
        Assert.IsEmpty(report.UnexpectedKeys);
        using var output = model.Predict(golden.Input("input.input_ids"), golden.Get("input.attention_mask"));
        var tracker = new ToleranceTracker();
        tracker.Elementwise("logits", "extra keys", output.Logits, golden.Tensors["logits"]);
        Assert.IsEmpty(tracker.Failures, string.Join("\n", tracker.Failures));
    }

    [TestMethod]
    public void ShardedSafetensorsLoadLikeTheSingleFile()
    {
        var path = Golden("v2_noshare_nobuckets", "qa");
        using var golden = GoldenModelFolder.Open(path);
        using var temp = new TemporaryDirectory();
        File.Copy(Path.Combine(path, "config.json"), temp.File("config.json"));
        var tensors = SafeTensorsFile.Read(Path.Combine(path, "model.safetensors"));
        var keys = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var shards = new[] { keys.Take(keys.Count / 2).ToList(), keys.Skip(keys.Count / 2).ToList() };
        var weightMap = new System.Text.Json.Nodes.JsonObject();
        for (int i = 0; i < 2; i++)
        {
            var name = $"model-0000{i + 1}-of-00002.safetensors";
            SafeTensorsFile.Write(temp.File(name), shards[i].ToDictionary(k => k, k => tensors[k]));
            foreach (var key in shards[i]) weightMap[key] = name;
        }
        File.WriteAllText(temp.File("model.safetensors.index.json"),
            new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["weight_map"] = weightMap }.ToJsonString());
        foreach (var t in tensors.Values) t.Dispose();

        using var scope = NewDisposeScope();
        using var model = DebertaCheckpoint.Load<DebertaForQuestionAnswering>(temp.Path);
        using var output = model.Predict(golden.Input("input.input_ids"), golden.Get("input.attention_mask"), golden.Get("input.token_type_ids"));
        var tracker = new ToleranceTracker();
        tracker.Elementwise("logits", "sharded start", output.StartLogits, golden.Tensors["start_logits"]);
        tracker.Elementwise("logits", "sharded end", output.EndLogits, golden.Tensors["end_logits"]);
        Assert.IsEmpty(tracker.Failures, string.Join("\n", tracker.Failures));
    }

    [TestMethod]
    [DataRow(ScalarType.Float16)]
    [DataRow(ScalarType.BFloat16)]
    public void HalfPrecisionWeightsAreUpcastToFloat32(ScalarType storage)
    {
        var path = Golden("v3_like_buckets", "mlm_nonlegacy");
        using var temp = CopyOf(path);
        using var scope = NewDisposeScope();
        var original = SafeTensorsFile.Read(Path.Combine(path, "model.safetensors"));
        RewriteWeights(temp, tensors => tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to_type(storage)));
        using var model = DebertaCheckpoint.Load<DebertaForMaskedLM>(temp.Path);
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.AreEqual(ScalarType.Float32, parameter.dtype, name);
            Assert.IsTrue(parameter.Identical(original[name].to_type(storage).to_type(ScalarType.Float32)), name);
        }
    }

    [TestMethod]
    public void MaskedLMUsesTheHeadTheCheckpointHolds()
    {
        foreach (var (variant, head, legacyInConfig, expectLegacy) in new[]
        {
            ("v1_rel_c2p_p2c", "mlm_nonlegacy", true, false),
            ("v3_like_buckets", "mlm_nonlegacy", true, false),
            ("v3_like_buckets", "mlm", false, true),
        })
        {
            var path = Golden(variant, head);
            using var golden = GoldenModelFolder.Open(path);
            using var temp = CopyOf(path);
            // A config that says the opposite of what the weights hold: the weights win.
            var config = DebertaConfig.Load(temp.Path);
            config.Legacy = legacyInConfig;
            config.Save(temp.Path);
            using var scope = NewDisposeScope();
            using var model = DebertaCheckpoint.Load<DebertaForMaskedLM>(temp.Path, out var report);
            Assert.AreEqual(expectLegacy, report.UsedLegacyMaskedLMHead, $"{variant}/{head}");
            Assert.AreEqual(expectLegacy, model.Config.Legacy, $"{variant}/{head}");
            Assert.IsEmpty(report.NewlyInitializedKeys, $"{variant}/{head}");
            using var output = model.Predict(golden.Input("input.input_ids"), golden.Get("input.attention_mask"));
            var tracker = new ToleranceTracker();
            tracker.Elementwise("logits", $"{variant}/{head}", output.Logits, golden.Tensors["logits"]);
            Assert.IsEmpty(tracker.Failures, string.Join("\n", tracker.Failures));
        }
    }

    [TestMethod]
    public void MissingBackboneKeysAreAllListed()
    {
        var path = Golden("v1_rel_c2p_p2c", "qa");
        using var temp = CopyOf(path);
        var removed = new[] { "deberta.encoder.layer.1.attention.self.q_bias", "deberta.embeddings.LayerNorm.weight", "qa_outputs.weight" };
        RewriteWeights(temp, tensors =>
        {
            foreach (var key in removed) tensors.Remove(key);
            return tensors;
        });
        var e = Assert.ThrowsExactly<CheckpointMismatchException>(() => DebertaCheckpoint.Load<DebertaForQuestionAnswering>(temp.Path));
        // Backbone keys are required; the head key alone would have been initialised, but is reported with them.
        CollectionAssert.AreEquivalent(new[] { "deberta.encoder.layer.1.attention.self.q_bias", "deberta.embeddings.LayerNorm.weight" }, e.MissingKeys.ToList());
        Assert.Contains("deberta.encoder.layer.1.attention.self.q_bias", e.Message);
        Assert.Contains("deberta.embeddings.LayerNorm.weight", e.Message);
    }

    [TestMethod]
    public void WeightsThatDoNotFitTheConfigNameKeyAndShapes()
    {
        var path = Golden("v2_conv_xlarge_like", "base");
        using var temp = CopyOf(path);
        var config = DebertaConfig.Load(temp.Path);
        config.IntermediateSize = 40;
        config.Save(temp.Path);
        var e = Assert.ThrowsExactly<CheckpointMismatchException>(() => DebertaCheckpoint.Load<DebertaModel>(temp.Path));
        Assert.Contains("'encoder.layer.0.intermediate.dense.weight' has shape [37, 32] but the model expects [40, 32]", e.Message);
        Assert.HasCount(6, e.Mismatches); // intermediate.dense weight and bias, output.dense weight, in each of 2 layers
    }

    [TestMethod]
    public void IntegerTensorForAWeightIsRejected()
    {
        var path = Golden("v1_absolute_only", "base");
        using var temp = CopyOf(path);
        RewriteWeights(temp, tensors =>
        {
            tensors["embeddings.LayerNorm.bias"] = torch.zeros(32, dtype: ScalarType.Int32);
            return tensors;
        });
        var e = Assert.ThrowsExactly<CheckpointMismatchException>(() => DebertaCheckpoint.Load<DebertaModel>(temp.Path));
        Assert.Contains("embeddings.LayerNorm.bias", e.Message);
        Assert.Contains("Int32", e.Message);
    }

    [TestMethod]
    public void FailedLoadLeavesTheModelUntouched()
    {
        var path = Golden("v1_absolute_only", "base");
        using var scope = NewDisposeScope();
        using var model = new DebertaModel(DebertaConfig.Load(path), seed: 3);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone());
        var tensors = SafeTensorsFile.Read(Path.Combine(path, "model.safetensors"));
        tensors["encoder.layer.1.output.dense.weight"] = torch.zeros(5, 5);
        Assert.ThrowsExactly<CheckpointMismatchException>(() => model.LoadStateDict(tensors));
        foreach (var (name, parameter) in model.named_parameters())
            Assert.IsTrue(parameter.Identical(before[name]), $"{name} changed although loading failed");
    }

    [TestMethod]
    public void BadFoldersRaiseClearErrors()
    {
        using var empty = new TemporaryDirectory();
        var noConfig = Assert.ThrowsExactly<FileNotFoundException>(() => DebertaCheckpoint.Load<DebertaModel>(empty.Path));
        Assert.Contains("config.json", noConfig.Message);
        File.Copy(Path.Combine(Golden("v1_absolute_only", "base"), "config.json"), empty.File("config.json"));
        Assert.ThrowsExactly<FileNotFoundException>(() => DebertaCheckpoint.Load<DebertaModel>(empty.Path));
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => DebertaCheckpoint.Load<DebertaModel>(empty.File("nope")));

        using var truncated = CopyOf(Golden("v1_absolute_only", "base"));
        var bytes = File.ReadAllBytes(truncated.File("model.safetensors"));
        File.WriteAllBytes(truncated.File("model.safetensors"), bytes[..(bytes.Length / 2)]);
        Assert.ThrowsExactly<InvalidDataException>(() => DebertaCheckpoint.Load<DebertaModel>(truncated.Path));

        using var unsupported = CopyOf(Golden("v1_absolute_only", "base"));
        var config = DebertaConfig.Load(unsupported.Path);
        config.Architectures = ["DebertaV2ForMultipleChoice"];
        config.Save(unsupported.Path);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => DebertaCheckpoint.Load(unsupported.Path));
        Assert.Contains("DebertaV2ForMultipleChoice", e.Message);
    }

    /// <summary>A temporary copy of a checkpoint folder's config.json and model.safetensors.</summary>
    private static TemporaryDirectory CopyOf(string folder)
    {
        var temp = new TemporaryDirectory();
        File.Copy(Path.Combine(folder, "config.json"), temp.File("config.json"));
        File.Copy(Path.Combine(folder, "model.safetensors"), temp.File("model.safetensors"));
        return temp;
    }

    private static void RewriteWeights(TemporaryDirectory folder, Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>> change)
    {
        var file = folder.File("model.safetensors");
        var tensors = SafeTensorsFile.Read(file);
        var changed = change(tensors);
        SafeTensorsFile.Write(file, changed, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var t in changed.Values.Concat(tensors.Values)) t.Dispose();
    }
}
