using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Errors a reader of the README and the guide meets first: one sentence of cause and one of action, in our words (the
/// inner exception keeps the details), naming what to change.
/// </summary>
[TestClass]
public sealed class GuideErrorMessageTests
{
    private sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private static string V3Classifier(string to, bool withTokenizer)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(GoldenData.Bundled("pipelines", "v3_seqcls")))
        {
            var name = Path.GetFileName(file);
            if (!name.StartsWith("golden_", StringComparison.Ordinal) && (withTokenizer || name != "tokenizer.json"))
                File.Copy(file, Path.Combine(to, name));
        }
        return to;
    }

    private static void InTempFolder(Action<string> test)
    {
        var folder = Directory.CreateTempSubdirectory("deberta-messages-").FullName;
        try
        {
            test(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ApplyTextModelOnAV3FolderWithoutTokenizerFilesPointsAtTheTokenizerFolderArgument() => InTempFolder(root =>
    {
        var mlContext = new MLContext(seed: 0);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "fine" } });
        var folder = V3Classifier(Path.Combine(root, "classifier"), withTokenizer: false);

        var e = Assert.ThrowsExactly<FileNotFoundException>(() => mlContext.Transforms.Deberta.ApplyTextModel(folder).Fit(data));

        Assert.AreEqual(
            $"ApplyTextModel: the model folder '{folder}' has no tokenizer files ({TokenizerFiles.ExpectedFiles}). Copy them there from " +
            "the checkpoint the model came from, or pass the folder that holds them as ApplyTextModel's tokenizerFolder argument.", e.Message);
        Assert.IsNotNull(e.InnerException, "the tokenizer's own exception stays inside");
        Assert.DoesNotContain(e.InnerException.Message, e.Message, "the inner message is not repeated");

        // And the argument it names works.
        var tokenizerFolder = V3Classifier(Path.Combine(root, "tokenizer"), withTokenizer: true);
        using var scorer = mlContext.Transforms.Deberta.ApplyTextModel(folder, tokenizerFolder: tokenizerFolder).Fit(data);
        Assert.HasCount(3, scorer.Transform(data).GetColumn<float[]>("Score").Single());
    });

    [TestMethod]
    public void ATokenizerFolderArgumentWithoutFilesIsNamedAsSuch() => InTempFolder(root =>
    {
        var mlContext = new MLContext(seed: 0);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "fine" } });
        var folder = V3Classifier(Path.Combine(root, "classifier"), withTokenizer: true);
        var empty = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;

        var e = Assert.ThrowsExactly<FileNotFoundException>(() => mlContext.Transforms.Deberta.ApplyTextModel(folder, tokenizerFolder: empty).Fit(data));

        Assert.AreEqual($"ApplyTextModel: the tokenizerFolder '{empty}' has no tokenizer files ({TokenizerFiles.ExpectedFiles}). " +
                        "Copy them there from the checkpoint the model came from.", e.Message);
    });

    [TestMethod]
    public void AMissingFolderSaysWhereRelativePathsStart() => InTempFolder(root =>
    {
        var mlContext = new MLContext(seed: 0);
        var missing = Path.Combine(root, "models", "nowhere");

        var applied = Assert.ThrowsExactly<DirectoryNotFoundException>(() => mlContext.Transforms.Deberta.ApplyTextModel(missing));
        var tokenize = Assert.ThrowsExactly<DirectoryNotFoundException>(() => mlContext.Transforms.Deberta.Tokenize(missing));

        Assert.AreEqual($"ApplyTextModel: the model folder '{missing}' does not exist. Check the path (a relative path starts from " +
                        $"'{Environment.CurrentDirectory}').", applied.Message);
        Assert.AreEqual($"Tokenize: the tokenizer folder '{missing}' does not exist. Check the path (a relative path starts from " +
                        $"'{Environment.CurrentDirectory}').", tokenize.Message);
    });

    [TestMethod]
    public void ACorruptTokenizerFileIsNamedWithWhatToDo() => InTempFolder(root =>
    {
        var mlContext = new MLContext(seed: 0);
        var folder = V3Classifier(Path.Combine(root, "classifier"), withTokenizer: true);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{ \"model\": 3 ");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Transforms.Deberta.Tokenize(folder));
        Console.WriteLine(e.Message);

        StringAssert.StartsWith(e.Message, $"Tokenize: the tokenizer folder '{folder}' holds a tokenizer that cannot be used: ");
        StringAssert.Contains(e.Message, $"Tokenizer file '{Path.Combine(folder, "tokenizer.json")}' is not valid JSON (line 1, byte 14).");
        StringAssert.EndsWith(e.Message, " Use the tokenizer files saved with the checkpoint.");
        Assert.DoesNotContain("BytePositionInLine", e.Message, "System.Text.Json's own wording stays in the inner exception");
    });

    [TestMethod]
    public void TextClassificationNamesTheMissingFolderOrWeightsAndWhatToDo() => InTempFolder(root =>
    {
        var mlContext = new MLContext(seed: 0);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "good", Label = "1" }, new Row { Text = "bad", Label = "0" } });
        var missing = Path.Combine(root, "nowhere");
        var noWeights = V3Classifier(Path.Combine(root, "classifier"), withTokenizer: true);
        File.Delete(Path.Combine(noWeights, "model.safetensors"));
        ITransformer Fit(string folder) => mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Deberta.TextClassification(folder)).Fit(data);

        Assert.AreEqual($"TextClassification: the model folder '{missing}' does not exist. Check the path (a relative path starts from " +
                        $"'{Environment.CurrentDirectory}').", Assert.ThrowsExactly<DirectoryNotFoundException>(() => Fit(missing)).Message);
        Assert.AreEqual($"TextClassification: the model folder '{noWeights}' has no weights (model.safetensors or pytorch_model.bin). " +
                        "Copy them there from the checkpoint, or train a new model from Config and TokenizerFolder instead of ModelFolder.",
            Assert.ThrowsExactly<FileNotFoundException>(() => Fit(noWeights)).Message);
    });

    [TestMethod]
    public void LoadingAFileThatIsNotAModelZipSaysSoInOurWords() => InTempFolder(root =>
    {
        var path = Path.Combine(root, "model.zip");
        File.WriteAllText(path, "not a zip");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => DebertaModelIO.Load(new MLContext(seed: 0), path, out _));

        Assert.AreEqual($"'{path}' is not a model .zip file, or it is truncated or corrupt. Check the path, or save the model again with " +
                        "DebertaModelIO.Save.", e.Message);
        Assert.IsNotNull(e.InnerException, "System.IO.Compression's message stays inside");
    });

    [TestMethod]
    public void AConfigThatIsNotJsonSaysWhereAndWhatToDo()
    {
        var e = Assert.ThrowsExactly<Microsoft.ML.Deberta.Configuration.DebertaConfigException>(
            () => Microsoft.ML.Deberta.Configuration.DebertaConfig.FromJson("{\n  \"model_type\": \"deberta\",\n  oops\n}"));
        Assert.AreEqual("The config is not valid JSON (line 3, byte 3). Replace config.json with the checkpoint's original.", e.Message);
    }

    [TestMethod]
    public void APlainlyLoadedModelNamesDebertaModelIOLoadFirst() => InTempFolder(root =>
    {
        var mlContext = new MLContext(seed: 0);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "fine" } });
        var folder = V3Classifier(Path.Combine(root, "classifier"), withTokenizer: true);
        var path = Path.Combine(root, "model.zip");
        using (var model = mlContext.Transforms.Deberta.ApplyTextModel(folder).Fit(data))
            mlContext.Model.Save(model, data.Schema, path);

        var plain = mlContext.Model.Load(path, out _);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => plain.Transform(data).GetColumn<float[]>("Score").ToArray());

        StringAssert.StartsWith(e.Message, "DebertaModelIO.Load is needed for this model: plain mlContext.Model.Load cannot restore the weights of its DeBERTa steps. ");
        StringAssert.EndsWith(e.Message, "Load it with Microsoft.ML.Deberta.DebertaModelIO.Load(mlContext, path, out var inputSchema) instead.");
        Assert.DoesNotContain("Could not find column", e.Message);
    });
}
