using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>Bad inputs to the forward pass raise <see cref="ArgumentException"/> naming the input, before any native work.</summary>
[TestClass]
public sealed class ModelInputValidationTests
{
    private static DebertaConfig SmallConfig(DebertaVersion version = DebertaVersion.V1) => new(version)
    {
        VocabSize = 50,
        HiddenSize = 16,
        NumHiddenLayers = 1,
        NumAttentionHeads = 2,
        IntermediateSize = 20,
        MaxPositionEmbeddings = 12,
        TypeVocabSize = 2,
        RelativeAttention = true,
        PosAttType = ["c2p", "p2c"],
    };

    private static Tensor Ids(params long[][] rows) => torch.tensor(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);

    [TestMethod]
    [DataRow(DebertaVersion.V1)]
    [DataRow(DebertaVersion.V2)]
    public void InputIdsOutsideTheVocabularyAreRejected(DebertaVersion version)
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaModel(SmallConfig(version));
        var high = Assert.ThrowsExactly<ArgumentException>(() => model.Predict(Ids([1, 2, 50])));
        Assert.AreEqual("inputIds", high.ParamName);
        Assert.Contains("50", high.Message);
        var negative = Assert.ThrowsExactly<ArgumentException>(() => model.Predict(Ids([1, -1, 3])));
        Assert.Contains("-1", negative.Message);
    }

    [TestMethod]
    public void InputIdsOfTheWrongRankOrDtypeAreRejected()
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaModel(SmallConfig());
        Assert.AreEqual("inputIds", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(torch.tensor(new long[] { 1, 2, 3 }))).ParamName);
        Assert.AreEqual("inputIds", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(torch.zeros(1, 2, 3, dtype: ScalarType.Int64))).ParamName);
        var floats = Assert.ThrowsExactly<ArgumentException>(() => model.Predict(torch.ones(1, 3)));
        Assert.Contains("Float32", floats.Message);
        Assert.AreEqual("inputIds", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(torch.zeros(0, 3, dtype: ScalarType.Int64))).ParamName);
        // int32 ids are fine and give the same answer as int64.
        using var a = model.Predict(Ids([1, 2, 3]));
        using var b = model.Predict(Ids([1, 2, 3]).to_type(ScalarType.Int32));
        Assert.IsTrue(a.LastHiddenState.Identical(b.LastHiddenState));
    }

    [TestMethod]
    public void AttentionMaskMustMatchAndBeBinary()
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaModel(SmallConfig());
        var ids = Ids([1, 2, 3], [4, 5, 6]);
        var shape = Assert.ThrowsExactly<ArgumentException>(() => model.Predict(ids, torch.ones(2, 4, dtype: ScalarType.Int64)));
        Assert.AreEqual("attentionMask", shape.ParamName);
        Assert.Contains("[2, 4]", shape.Message);
        Assert.AreEqual("attentionMask", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(ids, torch.ones(2, 3, 3, dtype: ScalarType.Int64))).ParamName);
        Assert.AreEqual("attentionMask", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(ids, Ids([1, 1, 2], [1, 1, 1]))).ParamName);
        // bool and float masks mean the same as int64 ones.
        var mask = Ids([1, 1, 0], [1, 1, 1]);
        using var a = model.Predict(ids, mask);
        using var b = model.Predict(ids, mask.to_type(ScalarType.Bool));
        using var c = model.Predict(ids, mask.to_type(ScalarType.Float32));
        Assert.IsTrue(a.LastHiddenState.Identical(b.LastHiddenState));
        Assert.IsTrue(a.LastHiddenState.Identical(c.LastHiddenState));
    }

    [TestMethod]
    public void TokenTypesAndPositionsAreChecked()
    {
        using var scope = NewDisposeScope();
        var config = SmallConfig();
        config.RelativeAttention = false;
        using var model = new DebertaModel(config);
        var ids = Ids([1, 2, 3]);
        Assert.AreEqual("tokenTypeIds", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(ids, tokenTypeIds: Ids([0, 1, 2]))).ParamName);
        Assert.AreEqual("tokenTypeIds", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(ids, tokenTypeIds: Ids([0, 1]))).ParamName);
        Assert.AreEqual("positionIds", Assert.ThrowsExactly<ArgumentException>(() => model.Predict(ids, positionIds: Ids([0, 1, 12]))).ParamName);
        var tooLong = Assert.ThrowsExactly<ArgumentException>(() => model.Predict(torch.ones(1, 13, dtype: ScalarType.Int64)));
        Assert.Contains("max_position_embeddings", tooLong.Message);
    }

    [TestMethod]
    public void RelativeOnlyModelsAcceptSequencesLongerThanTheirSpan()
    {
        using var scope = NewDisposeScope();
        foreach (var version in new[] { DebertaVersion.V1, DebertaVersion.V2 })
        {
            var config = SmallConfig(version);
            config.PositionBiasedInput = false;
            config.MaxRelativePositions = 4;
            using var model = new DebertaModel(config);
            using var output = model.Predict(torch.ones(2, 30, dtype: ScalarType.Int64));
            Assert.AreEqual(30, output.LastHiddenState.shape[1]);
            Assert.IsFalse(output.LastHiddenState.isnan().any().item<bool>());
        }
    }

    [TestMethod]
    public void LabelsAreChecked()
    {
        using var scope = NewDisposeScope();
        var config = SmallConfig();
        config.NumLabels = 3;
        var ids = Ids([1, 2, 3], [4, 5, 6]);
        using var seq = new DebertaForSequenceClassification(config);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentException>(() => seq.Forward(ids, labels: torch.tensor(new long[] { 0, 3 }))).ParamName);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentException>(() => seq.Forward(ids, labels: torch.tensor(new long[] { 0, 1, 2 }))).ParamName);
        using var tok = new DebertaForTokenClassification(config);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentException>(() => tok.Forward(ids, labels: Ids([0, 1, 3], [0, -100, 2]))).ParamName);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentException>(() => tok.Forward(ids, labels: Ids([0, 1, -5], [0, -100, 2]))).ParamName);
        using var mlm = new DebertaForMaskedLM(config);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentException>(() => mlm.Forward(ids, labels: Ids([-100, 60, -100], [-100, -100, -100]))).ParamName);
        using var qa = new DebertaForQuestionAnswering(SmallConfig());
        Assert.AreEqual("endPositions", Assert.ThrowsExactly<ArgumentException>(() => qa.Forward(ids, startPositions: torch.tensor(new long[] { 0, 1 }))).ParamName);
        Assert.AreEqual("startPositions", Assert.ThrowsExactly<ArgumentException>(() => qa.Forward(ids, startPositions: torch.tensor(new long[] { 0 }), endPositions: torch.tensor(new long[] { 0 }))).ParamName);
        var regression = SmallConfig();
        regression.NumLabels = 1;
        using var reg = new DebertaForSequenceClassification(regression);
        Assert.Contains("floating point", Assert.ThrowsExactly<ArgumentException>(() => reg.Forward(ids, labels: torch.tensor(new long[] { 0, 1 }))).Message);
    }

    [TestMethod]
    public void HeadsRejectConfigsTheyCannotCarry()
    {
        var qa = SmallConfig();
        qa.NumLabels = 3;
        Assert.AreEqual("num_labels", Assert.ThrowsExactly<DebertaConfigException>(() => new DebertaForQuestionAnswering(qa)).FieldName);
        var mlm = SmallConfig();
        mlm.Legacy = false;
        mlm.EmbeddingSize = 8;
        Assert.AreEqual("embedding_size", Assert.ThrowsExactly<DebertaConfigException>(() => new DebertaForMaskedLM(mlm)).FieldName);
        var untied = SmallConfig();
        untied.TieWordEmbeddings = false;
        Assert.AreEqual("tie_word_embeddings", Assert.ThrowsExactly<DebertaConfigException>(() => new DebertaForMaskedLM(untied)).FieldName);
        var bad = SmallConfig();
        bad.NumAttentionHeads = 3;
        Assert.AreEqual("num_attention_heads", Assert.ThrowsExactly<DebertaConfigException>(() => new DebertaModel(bad)).FieldName);
    }
}
