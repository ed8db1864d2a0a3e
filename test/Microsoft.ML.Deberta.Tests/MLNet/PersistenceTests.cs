using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>Design A: one ML.NET .zip with a stub per DeBERTa step plus the payloads; DebertaModelIO swaps them back.</summary>
[TestClass]
public sealed class PersistenceTests
{
    private string _folder = "";

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("deberta-mlnet-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static (ITransformer Model, IDataView Data, FakeTextTrainer Trainer) FitClassifier(MLContext mlContext, int rows = 30)
    {
        var trainer = new FakeTextTrainer();
        var data = TestRows.View(mlContext, rows);
        return (TestModels.ClassificationPipeline(mlContext, trainer).Fit(data), data, trainer);
    }

    private static List<string> Predictions(ITransformer model, IDataView data, params string[] columns) =>
        PredictionDump.Lines(model.Transform(data), columns.Length == 0 ? ["Score", "PredictedLabel", "PredictedLabelValue"] : columns);

    [TestMethod]
    public void PipelineRoundTripsThroughOneZip()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, _) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);

        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToArray();
        CollectionAssert.Contains(names, "Microsoft.ML.Deberta/manifest.json");
        CollectionAssert.Contains(names, "Microsoft.ML.Deberta/step_000/transformer.json");
        CollectionAssert.Contains(names, "Microsoft.ML.Deberta/step_000/model/fake_model.json");
        CollectionAssert.Contains(names, "Microsoft.ML.Deberta/step_000/model/tokenizer/vocab.txt");
        Assert.IsTrue(names.Any(n => n.StartsWith("TransformerChain", StringComparison.Ordinal)), "ML.NET's own entries");

        var loaded = DebertaModelIO.Load(new MLContext(seed: 2), path, out var schema, FakeTextScorerLoader.All);
        Assert.AreEqual(data.Schema.Count, schema.Count);
        CollectionAssert.AreEqual(Predictions(model, data), Predictions(loaded, data));
        var chain = (TransformerChain<ITransformer>)loaded;
        Assert.IsInstanceOfType<TextScoringTransformer>(chain.ElementAt(1));
        ((IDisposable)loaded).Dispose();

        using var stream = new MemoryStream(File.ReadAllBytes(path));
        var fromStream = DebertaModelIO.Load(mlContext, stream, "a stream", out _, FakeTextScorerLoader.All);
        CollectionAssert.AreEqual(Predictions(model, data), Predictions(fromStream, data), "loads from a stream too");
        ((IDisposable)fromStream).Dispose();
        ((IDisposable)model).Dispose();
    }

    [TestMethod]
    public void NestedChainsKeepStepOrderAndScopes()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 30);
        // The second DeBERTa step reads the first one's prediction, so the steps only work in their saved order.
        var second = TestModels.Classification("Positive") with
        {
            Columns = new TextColumns("PredictedLabelValue"),
            Outputs = new OutputColumnNames("Score2", "Predicted2", "Probability2"),
        };
        var inner = TestModels.Estimator(mlContext, new FakeTextTrainer(), second)
            .Append(mlContext.Transforms.CopyColumns("Copy", "Score2"));
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(TestModels.Estimator(mlContext, new FakeTextTrainer()))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"))
            .Append(inner);
        var fitted = pipeline.Fit(data);
        // Mark the first step as training-only to see scopes survive the swap.
        var model = new TransformerChain<ITransformer>(fitted.ToArray(),
            [TransformerScope.Training, TransformerScope.Everything, TransformerScope.Everything, TransformerScope.Everything]);
        Assert.IsInstanceOfType<TransformerChain<ColumnCopyingTransformer>>(model.Last());

        var path = PathOf("nested.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        var loaded = (TransformerChain<ITransformer>)DebertaModelIO.Load(mlContext, path, out _, FakeTextScorerLoader.All);
        Assert.AreEqual("Text", ((TextScoringTransformer)loaded.ElementAt(1)).Columns.Text);
        Assert.AreEqual("PredictedLabelValue", ((TextScoringTransformer)((TransformerChain<ITransformer>)loaded.Last()).First()).Columns.Text);
        var columns = new[] { "Score", "PredictedLabel", "Score2", "Probability2", "Predicted2", "Copy" };
        CollectionAssert.AreEqual(PredictionDump.Lines(model.Transform(data, TransformerScope.Everything), columns),
            PredictionDump.Lines(loaded.Transform(data, TransformerScope.Everything), columns));
        Assert.HasCount(3, loaded.GetModelFor(TransformerScope.Scoring), "the training-only step stays training-only");
    }

    [TestMethod]
    public void ABareTransformerRoundTrips()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 10);
        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 4));
        var path = PathOf("bare.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        using var loaded = (TextScoringTransformer)DebertaModelIO.Load(mlContext, path, out _, FakeTextScorerLoader.All);
        CollectionAssert.AreEqual(Predictions(model, data, "Score", "PredictedLabel"), Predictions(loaded, data, "Score", "PredictedLabel"));
    }

    [TestMethod]
    public void EveryOutputKindAndLabelTypeRoundTrips()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 24);
        var pipelines = new (string Name, IEstimator<ITransformer> Pipeline, string[] Columns)[]
        {
            ("regression", TestModels.Estimator(mlContext, new FakeTextTrainer(), TestModels.Regression()), ["Score"]),
            ("boolean", TestModels.Estimator(mlContext, new FakeTextTrainer(), TestModels.Classification("Positive", pair: "Second")),
                ["Score", "Probability", "PredictedLabel"]),
            ("int keys", mlContext.Transforms.Conversion.MapValueToKey("TopicKey", "Topic")
                .Append(TestModels.Estimator(mlContext, new FakeTextTrainer(), TestModels.Classification("TopicKey")))
                .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedTopic", "PredictedLabel")),
                ["Score", "PredictedLabel", "PredictedTopic"]),
        };
        foreach (var (name, pipeline, columns) in pipelines)
        {
            var model = pipeline.Fit(data);
            var path = PathOf($"{name}.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, path);
            var loaded = DebertaModelIO.Load(mlContext, path, out _, FakeTextScorerLoader.All);
            CollectionAssert.AreEqual(Predictions(model, data, columns), Predictions(loaded, data, columns), name);
            var before = model.GetOutputSchema(data.Schema);
            var after = loaded.GetOutputSchema(data.Schema);
            foreach (var column in columns)
            {
                Assert.AreEqual(before[column].Type, after[column].Type, $"{name}: {column}");
                CollectionAssert.AreEqual(before[column].Annotations.Schema.Select(a => $"{a.Name}:{a.Type}").ToArray(),
                    after[column].Annotations.Schema.Select(a => $"{a.Name}:{a.Type}").ToArray(), $"{name}: {column} annotations");
            }
        }
    }

    [TestMethod]
    public void PlainMLNetModelsLoadUnchanged()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 10);
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var path = PathOf("plain.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        var viaMLNet = mlContext.Model.Load(path, out _);
        var viaUs = DebertaModelIO.Load(mlContext, path, out _);
        CollectionAssert.AreEqual(PredictionDump.Lines(viaMLNet.Transform(data), "Label"), PredictionDump.Lines(viaUs.Transform(data), "Label"));
    }

    [TestMethod]
    public void PlainModelLoadGivesAChainWhoseUseNamesTheRightCall()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, _) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);

        var plain = new MLContext(seed: 3).Model.Load(path, out var schema);
        Assert.AreEqual(1, ModelSteps.CountStubs(plain));
        const string call = "DebertaModelIO.Load(mlContext, path, out var inputSchema)";
        StringAssert.Contains(Flatten(Assert.Throws<Exception>(() => plain.Transform(data))), call);
        StringAssert.Contains(Flatten(Assert.Throws<Exception>(() => plain.GetOutputSchema(schema))), call);
        StringAssert.Contains(Flatten(Assert.Throws<Exception>(
            () => mlContext.Model.CreatePredictionEngine<TestRow, TestRow>(plain))), call);
        // Saving such a half-loaded model again would lose the weights for good.
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => DebertaModelIO.Save(mlContext, plain, schema, PathOf("again.zip")));
        StringAssert.Contains(e.Message, "without their weights");
    }

    [TestMethod]
    public void FailedSaveLeavesTheOldFileAndNoTemporaryFiles()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, trainer) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        File.WriteAllText(path, "previous model");
        trainer.LastScorer!.OnSavePayload = () => throw new IOException("disk full");
        Assert.ThrowsExactly<IOException>(() => DebertaModelIO.Save(mlContext, model, data.Schema, path));
        Assert.AreEqual("previous model", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { "model.zip" }, Directory.GetFiles(_folder).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void CancelledSaveLeavesNoFile()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, trainer) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        using var cts = new CancellationTokenSource();
        trainer.LastScorer!.OnSavePayload = cts.Cancel;
        Assert.Throws<OperationCanceledException>(() => DebertaModelIO.Save(mlContext, model, data.Schema, path, cts.Token));
        Assert.IsEmpty(Directory.GetFiles(_folder));
        Assert.Throws<OperationCanceledException>(() => DebertaModelIO.Save(mlContext, model, data.Schema, path, cts.Token));
        Assert.IsEmpty(Directory.GetFiles(_folder));
    }

    [TestMethod]
    public void CorruptOrMissingFilesGiveClearErrors()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, _) = FitClassifier(mlContext);
        var good = PathOf("good.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, good);

        var missing = PathOf("missing.zip");
        Assert.ThrowsExactly<FileNotFoundException>(() => DebertaModelIO.Load(mlContext, missing, out _, FakeTextScorerLoader.All));

        var garbage = PathOf("garbage.zip");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray());
        StringAssert.Contains(LoadError(mlContext, garbage).Message, "not a model .zip file");

        var truncated = PathOf("truncated.zip");
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        StringAssert.Contains(LoadError(mlContext, truncated).Message, "truncated or corrupt");
    }

    [TestMethod]
    public void AZipWithoutItsPayloadIsRefused()
    {
        var path = SavedThenEdited(zip =>
        {
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(PayloadManifest.Root, StringComparison.Ordinal)).ToList())
                entry.Delete();
        });
        StringAssert.Contains(LoadError(new MLContext(1), path).Message, "no DeBERTa payload");
    }

    [TestMethod]
    public void AStepWithoutItsSettingsIsRefused()
    {
        var path = SavedThenEdited(zip => zip.GetEntry("Microsoft.ML.Deberta/step_000/transformer.json")!.Delete());
        var e = LoadError(new MLContext(1), path);
        StringAssert.Contains(e.Message, "step_000");
        StringAssert.Contains(e.Message, "transformer.json");
    }

    [TestMethod]
    public void ANewerFormatIsRefusedWithAnUpdateHint()
    {
        var path = SavedThenEdited(zip => Rewrite(zip, PayloadManifest.EntryName, s => s.Replace("\"format_version\": 1", "\"format_version\": 99")));
        StringAssert.Contains(LoadError(new MLContext(1), path).Message, "Update the Microsoft.ML.Deberta package");
    }

    [TestMethod]
    public void AnUnknownPayloadKindIsNamed()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, _) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        // The public Load knows only this library's own model kinds, not the fake's.
        var e = Assert.ThrowsExactly<InvalidDataException>(() => DebertaModelIO.Load(mlContext, path, out _));
        StringAssert.Contains(e.Message, FakeTextScorer.Kind);
    }

    [TestMethod]
    public void EntriesPointingOutsideTheirFolderAreRefused()
    {
        var path = SavedThenEdited(zip =>
        {
            using var s = zip.CreateEntry("Microsoft.ML.Deberta/step_000/../../evil.txt").Open();
            s.WriteByte(1);
        });
        StringAssert.Contains(LoadError(new MLContext(1), path).Message, "outside its folder");
    }

    [TestMethod]
    public void ModelLoadsInAFreshProcessWithIdenticalPredictions()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, _) = FitClassifier(mlContext);
        var rows = TestRows.Make(12, seed: 123);
        var rowsPath = PathOf("rows.tsv");
        File.WriteAllLines(rowsPath, rows.Select(r => $"{r.Text}\t{r.Label}"));
        var modelPath = PathOf("model.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, modelPath);
        var input = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
        var expected = Predictions(model, input, "Score", "PredictedLabelValue");

        var outputPath = PathOf("child-output.txt");
        var result = ChildProcess.Run(["predict", modelPath, rowsPath, outputPath], TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, result.ExitCode, result.Output);
        var lines = File.ReadAllLines(outputPath);
        CollectionAssert.AreEqual(expected, lines.Take(expected.Count).ToArray(), "same predictions in the child process");
        Assert.AreEqual("engine:" + expected[0], lines[expected.Count], "a PredictionEngine in the child agrees");
        StringAssert.StartsWith(lines[expected.Count + 1], "plain-load:");
        StringAssert.Contains(lines[expected.Count + 1], "DebertaModelIO.Load(mlContext, path, out var inputSchema)");
    }

    private string SavedThenEdited(Action<ZipArchive> edit)
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data, _) = FitClassifier(mlContext, rows: 9);
        var path = PathOf($"edited-{Guid.NewGuid():N}.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            edit(zip);
        return path;
    }

    private static void Rewrite(ZipArchive zip, string name, Func<string, string> change)
    {
        var entry = zip.GetEntry(name)!;
        string text;
        using (var reader = new StreamReader(entry.Open()))
            text = reader.ReadToEnd();
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(change(text));
    }

    private static InvalidDataException LoadError(MLContext mlContext, string path) =>
        Assert.ThrowsExactly<InvalidDataException>(() => DebertaModelIO.Load(mlContext, path, out _, FakeTextScorerLoader.All));

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
