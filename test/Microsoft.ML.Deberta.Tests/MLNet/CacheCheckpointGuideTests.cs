using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The guide's AppendCacheCheckpoint snippet, run as written there (only the folder and data differ): a multi-pass
/// ML.NET trainer after a DeBERTa step reruns the network on every pass unless the outputs are cached once.
/// </summary>
[TestClass]
public sealed class CacheCheckpointGuideTests
{
    public sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private static long RowsScored(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.Sum(RowsScored)
            : model is TextScoringTransformer step ? ((DebertaTextScorer)step.Scorer).RowsScored : 0;

    [TestMethod]
    public void ACacheCheckpointScoresEachRowOnceForAMultiPassTrainer()
    {
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        string fineTunedFolder = folder.Path;
        var mlContext = new MLContext(seed: 1);
        var texts = DebertaTestData.SingleCharacterTexts(24, seed: 4);
        var data = mlContext.Data.LoadFromEnumerable(texts.Select((t, i) => new Row { Text = t, Label = (i % 2).ToString() }).ToList());

        // ---- as in docs/mlnet-guide.md ----
        var pipeline = mlContext.Transforms.Deberta.ApplyTextModel(fineTunedFolder, textColumnName: "Text")
            .Append(mlContext.Transforms.CopyColumns("Features", "Score"))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
            .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features"));
        var model = pipeline.Fit(data);
        // ---- end ----

        // Without it (SDCA capped at 5 iterations here: uncapped it ran thousands of passes over these 24 rows).
        var uncached = mlContext.Transforms.Deberta.ApplyTextModel(fineTunedFolder, textColumnName: "Text")
            .Append(mlContext.Transforms.CopyColumns("Features", "Score"))
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
            .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features", maximumNumberOfIterations: 5))
            .Fit(data);
        long cachedRows = RowsScored(model), uncachedRows = RowsScored(uncached);
        Console.WriteLine($"rows scored while fitting 24 rows: {cachedRows} with the cache checkpoint, {uncachedRows} without ({uncachedRows / 24.0:F0} passes)");
        Assert.AreEqual(24, cachedRows, "with the checkpoint the network sees each row once");
        Assert.IsGreaterThan(2 * 24, uncachedRows, "without it, every SDCA pass reruns the network");
        (model as IDisposable)?.Dispose();
        (uncached as IDisposable)?.Dispose();
    }
}
