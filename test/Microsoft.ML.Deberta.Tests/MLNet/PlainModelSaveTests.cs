using System.IO.Compression;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Plain <c>mlContext.Model.Save</c> writes a complete model (each DeBERTa step's payload inside its own ML.NET
/// folder), which <c>DebertaModelIO.Load</c> opens in this process and in a fresh one; plain <c>mlContext.Model.Load</c>
/// cannot rebuild the steps (ML.NET's loader registration is internal) and its first use throws our own message.
/// </summary>
[TestClass]
public sealed class PlainModelSaveTests
{
    private string _folder = "";

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("deberta-plain-save-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static (ITransformer Model, IDataView Data) FitClassifier(MLContext mlContext)
    {
        var data = TestRows.View(mlContext, 30);
        return (TestModels.ClassificationPipeline(mlContext, new FakeTextTrainer()).Fit(data), data);
    }

    private static List<string> Predictions(ITransformer model, IDataView data) =>
        PredictionDump.Lines(model.Transform(data), "Score", "PredictedLabel", "PredictedLabelValue");

    [TestMethod]
    public void PlainModelSaveOverAnExistingFileWritesACompleteModel()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        File.WriteAllText(path, "an older model");

        mlContext.Model.Save(model, data.Schema, path);

        using (var zip = ZipFile.OpenRead(path))
        {
            var names = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToArray();
            Assert.IsTrue(names.Any(n => n.EndsWith("/Microsoft.ML.Deberta/manifest.json", StringComparison.Ordinal)), string.Join("\n", names));
            Assert.IsTrue(names.Any(n => n.EndsWith("/Microsoft.ML.Deberta/step/model/fake_model.json", StringComparison.Ordinal)), string.Join("\n", names));
        }
        var loaded = DebertaModelIO.Load(new MLContext(seed: 2), path, out var schema, FakeTextScorerLoader.All);
        Assert.AreEqual(data.Schema.Count, schema.Count);
        CollectionAssert.AreEqual(Predictions(model, data), Predictions(loaded, data));
        ((IDisposable)loaded).Dispose();

        using var stream = new MemoryStream();
        mlContext.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var fromStream = DebertaModelIO.Load(mlContext, stream, "a stream", out _, FakeTextScorerLoader.All);
        CollectionAssert.AreEqual(Predictions(model, data), Predictions(fromStream, data), "saved to and loaded from a stream");
        ((IDisposable)fromStream).Dispose();
        ((IDisposable)model).Dispose();
    }

    [TestMethod]
    public void NestedStepsSavedWithPlainSaveComeBackInOrder()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 30);
        var second = TestModels.Classification("Positive") with
        {
            Columns = new TextColumns("PredictedLabelValue"),
            Outputs = new OutputColumnNames("Score2", "Predicted2", "Probability2"),
        };
        var inner = TestModels.Estimator(mlContext, new FakeTextTrainer(), second).Append(mlContext.Transforms.CopyColumns("Copy", "Score2"));
        var fitted = TestModels.ClassificationPipeline(mlContext, new FakeTextTrainer()).Append(inner).Fit(data);
        var path = PathOf("nested.zip");
        mlContext.Model.Save(fitted, data.Schema, path);
        var loaded = DebertaModelIO.Load(new MLContext(seed: 2), path, out _, FakeTextScorerLoader.All);
        string[] columns = ["Score", "PredictedLabelValue", "Score2", "Predicted2", "Copy"];
        CollectionAssert.AreEqual(PredictionDump.Lines(fitted.Transform(data), columns), PredictionDump.Lines(loaded.Transform(data), columns));
        ((IDisposable)loaded).Dispose();
        ((IDisposable)fitted).Dispose();
    }

    [TestMethod]
    public void APlainSavedModelLoadsInAFreshProcessWithIdenticalPredictions()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data) = FitClassifier(mlContext);
        var rows = TestRows.Make(12, seed: 123);
        var rowsPath = PathOf("rows.tsv");
        File.WriteAllLines(rowsPath, rows.Select(r => $"{r.Text}\t{r.Label}"));
        var modelPath = PathOf("model.zip");
        mlContext.Model.Save(model, data.Schema, modelPath);
        var input = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
        var expected = PredictionDump.Lines(model.Transform(input), "Score", "PredictedLabelValue");

        var outputPath = PathOf("child-output.txt");
        var result = ChildProcess.Run(["predict", modelPath, rowsPath, outputPath], TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, result.ExitCode, result.Output);
        var lines = File.ReadAllLines(outputPath);
        CollectionAssert.AreEqual(expected, lines.Take(expected.Count).ToArray(), "same predictions in the child process");
        Assert.AreEqual("plain-load:InvalidOperationException:" + SavedStepStub.LoadInstruction + ".", lines[expected.Count + 1],
            "in a fresh process, plain mlContext.Model.Load's first use throws our own exception first");
        ((IDisposable)model).Dispose();
    }

    [TestMethod]
    public void APlainlyLoadedModelThrowsOurOwnExceptionOnFirstUse()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        mlContext.Model.Save(model, data.Schema, path);
        ((IDisposable)model).Dispose();

        var plain = new MLContext(seed: 3).Model.Load(path, out var schema);
        const string expected = SavedStepStub.LoadInstruction + ".";
        Assert.AreEqual(expected, Assert.ThrowsExactly<InvalidOperationException>(() => plain.GetOutputSchema(schema)).Message);
        Assert.AreEqual(expected, Assert.ThrowsExactly<InvalidOperationException>(() => plain.Transform(data)).Message);
        Assert.AreEqual(expected, Assert.ThrowsExactly<InvalidOperationException>(
            () => mlContext.Model.CreatePredictionEngine<TestRow, TestRow>(plain)).Message);
    }

    [TestMethod]
    public void ARefusedSaveLeavesAnExistingFileUntouched()
    {
        var mlContext = new MLContext(seed: 1);
        var (model, data) = FitClassifier(mlContext);
        var path = PathOf("model.zip");
        mlContext.Model.Save(model, data.Schema, path);
        var plain = new MLContext(seed: 3).Model.Load(path, out var schema);
        var before = File.ReadAllBytes(path);
        // A half-loaded model (no weights) is refused before anything is written.
        Assert.ThrowsExactly<InvalidOperationException>(() => DebertaModelIO.Save(mlContext, plain, schema, path));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        ((IDisposable)model).Dispose();
    }
}
