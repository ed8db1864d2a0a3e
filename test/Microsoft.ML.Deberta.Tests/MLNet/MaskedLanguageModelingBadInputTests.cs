using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Bad input to masked-LM training: each case fails before training starts with a message that names what is wrong,
/// where, and what to do; nothing is written to the output folder.
/// </summary>
[TestClass]
public sealed class MaskedLanguageModelingBadInputTests
{
    private static MaskedLanguageModelingOptions FromScratch(string output, Action<MaskedLanguageModelingOptions>? edit = null)
    {
        var options = new MaskedLanguageModelingOptions
        {
            Config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2),
            TokenizerFolder = DebertaTestData.V1TokenizerFolder,
            OutputFolder = output,
            MaxLength = 32,
            Epochs = 1,
        };
        edit?.Invoke(options);
        return options;
    }

    private static void AssertNothingWritten(string folder) =>
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(folder).Any(), "nothing is written");

    private static IDataView SomeTexts(MLContext mlContext) =>
        MaskedLanguageModelingData.Rows(mlContext, [.. Enumerable.Repeat("The food was great and the staff friendly.", 20)]);

    [TestMethod]
    public void AnEmptyTextIsRefusedWithItsRow()
    {
        var mlContext = new MLContext(seed: 1);
        using var output = new TemporaryDirectory();
        var data = MaskedLanguageModelingData.Rows(mlContext, "Great food.", "Slow service.", "   ", "Nice place.");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Transforms.Deberta.MaskedLanguageModeling(FromScratch(output.Path)).Fit(data));
        StringAssert.Contains(e.Message, "Row 3 of the training data has an empty text in column 'Text'");
        StringAssert.Contains(e.Message, "Remove or fill such rows");
        AssertNothingWritten(output.Path);
    }

    [TestMethod]
    public void AnEmptyOrMissingTextColumnIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        using var output = new TemporaryDirectory();
        var empty = Assert.ThrowsExactly<InvalidDataException>(() =>
            mlContext.Transforms.Deberta.MaskedLanguageModeling(FromScratch(output.Path)).Fit(MaskedLanguageModelingData.Rows(mlContext)));
        StringAssert.Contains(empty.Message, "The training data has no rows; masked-LM training needs texts in column 'Text'");

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta
            .MaskedLanguageModeling(FromScratch(output.Path, o => o.TextColumnName = "Review")).Fit(SomeTexts(mlContext)));
        StringAssert.Contains(missing.Message, "Review");

        var tooShort = Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Transforms.Deberta
            .MaskedLanguageModeling(FromScratch(output.Path)).Fit(MaskedLanguageModelingData.Rows(mlContext, "Good.")));
        StringAssert.Contains(tooShort.Message, "fewer than one block of 32");
        AssertNothingWritten(output.Path);
    }

    [TestMethod]
    public void ATokenizerWithoutAMaskTokenOfItsOwnIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        using var output = new TemporaryDirectory();
        using var tokenizer = new TemporaryDirectory();
        foreach (var file in new[] { "vocab.json", "merges.txt" })
            File.Copy(Path.Combine(DebertaTestData.V1TokenizerFolder, file), tokenizer.File(file));
        tokenizer.Write("tokenizer_config.json", """{ "mask_token": "[UNK]" }""");
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta
            .MaskedLanguageModeling(FromScratch(output.Path, o => o.TokenizerFolder = tokenizer.Path)).Fit(SomeTexts(mlContext)));
        StringAssert.Contains(e.Message, "the tokenizer has no mask token of its own ('[UNK]'");
        StringAssert.Contains(e.Message, "set mask_token in tokenizer_config.json");
        AssertNothingWritten(output.Path);
    }

    [TestMethod]
    public void AMaskTokenOutsideTheModelsVocabularyIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        using var output = new TemporaryDirectory();
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "mlm_nonlegacy"); // vocab_size 128, v1 tokenizer beside it
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta
            .MaskedLanguageModeling(checkpoint.Path, output.Path, maxLength: 32).Fit(SomeTexts(mlContext)));
        StringAssert.Contains(e.Message, "the tokenizer's mask token '[MASK]' has id 50261, outside the model's vocab_size 128");
        StringAssert.Contains(e.Message, "Use the tokenizer the model was trained with");
        AssertNothingWritten(output.Path);
    }

    [TestMethod]
    public void ABlockLongerThanThePositionsIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        using var output = new TemporaryDirectory();
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta
            .MaskedLanguageModeling(FromScratch(output.Path, o => o.MaxLength = 1024)).Fit(SomeTexts(mlContext)));
        StringAssert.Contains(e.Message, "MaxLength (the block size) 1024 exceeds the model's max_position_embeddings 512");
        StringAssert.Contains(e.Message, "set MaxLength to at most 512");
        Assert.AreEqual(nameof(MaskedLanguageModelingOptions.MaxLength), e.ParamName);
        AssertNothingWritten(output.Path);
    }

    [TestMethod]
    public void AMaskProbabilityOutOfRangeIsRefusedWhenTheTrainerIsCreated()
    {
        var mlContext = new MLContext(seed: 1);
        foreach (var p in new[] { 0.0, 1.0, 1.5, double.NaN })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
                mlContext.Transforms.Deberta.MaskedLanguageModeling(FromScratch("unused", o => o.MaskProbability = p)));
            Assert.AreEqual(nameof(MaskedLanguageModelingOptions.MaskProbability), e.ParamName);
            StringAssert.Contains(e.Message, "strictly between 0 and 1");
        }
    }

    [TestMethod]
    public void MissingOrConflictingSettingsAreRefusedWhenTheTrainerIsCreated()
    {
        var catalog = new MLContext(seed: 1).Transforms.Deberta;
        var noOutput = Assert.ThrowsExactly<ArgumentException>(() => catalog.MaskedLanguageModeling(FromScratch("x", o => o.OutputFolder = null)));
        StringAssert.Contains(noOutput.Message, "set OutputFolder");
        var both = Assert.ThrowsExactly<ArgumentException>(() => catalog.MaskedLanguageModeling(FromScratch("x", o => o.ModelFolder = "somewhere")));
        StringAssert.Contains(both.Message, "exactly one of ModelFolder");
        var noTokenizer = Assert.ThrowsExactly<ArgumentException>(() => catalog.MaskedLanguageModeling(FromScratch("x", o => o.TokenizerFolder = null)));
        StringAssert.Contains(noTokenizer.Message, "needs TokenizerFolder");
    }
}
