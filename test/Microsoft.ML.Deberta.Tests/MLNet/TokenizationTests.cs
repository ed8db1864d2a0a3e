using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>mlContext.Transforms.Deberta.Tokenize</c>: the id columns equal transformers' reference encodings (bundled
/// golden cases), with fixed-size or variable-length vectors, single texts and pairs; schema propagation,
/// PredictionEngine, save/load, and bad input.
/// </summary>
[TestClass]
public sealed class TokenizationTests
{
    private static readonly string TokenizerFolder = GoldenData.Bundled("tokenizer", "deberta-v1");

    public sealed class TextInput
    {
        public string Text { get; set; } = "";

        public string Pair { get; set; } = "";
    }

    public sealed class FixedIds
    {
        [VectorType(16)]
        public long[] InputIds { get; set; } = [];

        [VectorType(16)]
        public long[] AttentionMask { get; set; } = [];

        [VectorType(16)]
        public long[] TokenTypeIds { get; set; } = [];
    }

    private static long[] Longs(JsonElement encoding, string field) =>
        [.. encoding.GetProperty(field).EnumerateArray().Select(v => v.GetInt64())];

    private static (JsonElement[] Cases, IDataView Data) Singles(MLContext mlContext)
    {
        var cases = GoldenCases.OfKind("deberta-v1.cases.json", "single");
        var rows = cases.Select(c => new TextInput { Text = c.GetProperty("text").GetString()! }).ToList();
        return (cases, mlContext.Data.LoadFromEnumerable(rows));
    }

    private static void AssertColumns(IDataView tokenized, JsonElement[] cases, string reference)
    {
        foreach (var (column, field) in new[] { ("InputIds", "input_ids"), ("AttentionMask", "attention_mask"), ("TokenTypeIds", "token_type_ids") })
        {
            var actual = tokenized.GetColumn<long[]>(column).ToArray();
            Assert.HasCount(cases.Length, actual);
            for (int i = 0; i < cases.Length; i++)
                CollectionAssert.AreEqual(Longs(cases[i].GetProperty(reference), field), actual[i],
                    $"{column} of case {i} ({cases[i].GetProperty("text").GetString()})");
        }
    }

    [TestMethod]
    public void PaddedOutputsAreFixedSizeAndMatchTheReference()
    {
        var mlContext = new MLContext(seed: 1);
        var (cases, data) = Singles(mlContext);
        var transformer = mlContext.Transforms.Deberta.Tokenize(TokenizerFolder, maxLength: 16, padToMaxLength: true).Fit(data);
        var tokenized = transformer.Transform(data);
        foreach (var name in new[] { "InputIds", "AttentionMask", "TokenTypeIds" })
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int64, 16), tokenized.Schema[name].Type, name);
        AssertColumns(tokenized, cases, "trunc16_pad");
    }

    [TestMethod]
    public void UnpaddedOutputsAreVariableLengthAndMatchTheReference()
    {
        var mlContext = new MLContext(seed: 1);
        var (cases, data) = Singles(mlContext);
        var tokenized = mlContext.Transforms.Deberta.Tokenize(TokenizerFolder, maxLength: 4096).Fit(data).Transform(data);
        var type = (VectorDataViewType)tokenized.Schema["InputIds"].Type;
        Assert.IsFalse(type.IsKnownSize);
        Assert.AreEqual(NumberDataViewType.Int64, type.ItemType);
        AssertColumns(tokenized, cases, "plain");
    }

    [TestMethod]
    public void PairsAreTruncatedLongestFirstAsTransformersDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var cases = GoldenCases.OfKind("deberta-v1.cases.json", "pair");
        var data = mlContext.Data.LoadFromEnumerable(cases.Select(c => new TextInput
        {
            Text = c.GetProperty("text").GetString()!,
            Pair = c.GetProperty("text_pair").GetString()!,
        }).ToList());
        var tokenized = mlContext.Transforms.Deberta.Tokenize(TokenizerFolder, textPairColumnName: "Pair", maxLength: 24).Fit(data).Transform(data);
        AssertColumns(tokenized, cases, "trunc24_longest_first");
        Assert.IsTrue(cases.Any(c => c.GetProperty("plain").GetProperty("input_ids").GetArrayLength() > 24), "some pairs are truncated");
    }

    [TestMethod]
    public void TheOutputShapeCarriesTheTypesForTheNextEstimator()
    {
        var mlContext = new MLContext(seed: 1);
        var (_, data) = Singles(mlContext);
        var estimator = mlContext.Transforms.Deberta.Tokenize(new TokenizationOptions
        {
            TokenizerFolder = TokenizerFolder,
            InputIdsColumnName = "Ids",
            MaxLength = 16,
            PadToMaxLength = true,
        });
        var shape = estimator.GetOutputSchema(Deberta.MLNet.SchemaShapes.FromSchema(data.Schema));
        var ids = shape.Single(c => c.Name == "Ids");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, ids.Kind);
        Assert.AreEqual(NumberDataViewType.Int64, ids.ItemType);
        // A following ML.NET estimator that needs a numeric vector accepts it.
        var pipeline = estimator.Append(mlContext.Transforms.Conversion.ConvertType("IdsAsFloat", "Ids", DataKind.Single));
        var converted = pipeline.Fit(data).Transform(data).GetColumn<float[]>("IdsAsFloat").First();
        Assert.HasCount(16, converted);
    }

    [TestMethod]
    public void PredictionEngineTokenizesOneRowAtATime()
    {
        var mlContext = new MLContext(seed: 1);
        var (cases, data) = Singles(mlContext);
        var model = mlContext.Transforms.Deberta.Tokenize(TokenizerFolder, maxLength: 16, padToMaxLength: true).Fit(data);
        using var engine = mlContext.Model.CreatePredictionEngine<TextInput, FixedIds>(model);
        foreach (var c in cases.Take(10))
        {
            var ids = engine.Predict(new TextInput { Text = c.GetProperty("text").GetString()! });
            CollectionAssert.AreEqual(Longs(c.GetProperty("trunc16_pad"), "input_ids"), ids.InputIds);
            CollectionAssert.AreEqual(Longs(c.GetProperty("trunc16_pad"), "attention_mask"), ids.AttentionMask);
        }
    }

    [TestMethod]
    public void ATokenizerObjectCanBeGivenInsteadOfAFolder()
    {
        var mlContext = new MLContext(seed: 1);
        var (cases, data) = Singles(mlContext);
        var tokenizer = DebertaTokenizerBase.FromFolder(TokenizerFolder);
        var tokenized = mlContext.Transforms.Deberta.Tokenize(new TokenizationOptions { Tokenizer = tokenizer, MaxLength = 16, PadToMaxLength = true })
            .Fit(data).Transform(data);
        AssertColumns(tokenized, cases, "trunc16_pad");
    }

    [TestMethod]
    public void ItSavesWithItsTokenizerAndLoadsBack()
    {
        var mlContext = new MLContext(seed: 1);
        var (cases, data) = Singles(mlContext);
        var model = mlContext.Transforms.Deberta.Tokenize(TokenizerFolder, maxLength: 16, padToMaxLength: true)
            .Append(mlContext.Transforms.Conversion.ConvertType("IdsAsFloat", "InputIds", DataKind.Single))
            .Fit(data);
        var folder = Directory.CreateTempSubdirectory("deberta-tokenize-").FullName;
        try
        {
            var path = Path.Combine(folder, "tokenize.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, path);
            using (var zip = ZipFile.OpenRead(path))
            {
                var names = zip.Entries.Select(e => e.FullName).ToArray();
                CollectionAssert.Contains(names, "Microsoft.ML.Deberta/step_000/tokenization.json");
                CollectionAssert.Contains(names, "Microsoft.ML.Deberta/step_000/tokenizer/vocab.json");
                CollectionAssert.Contains(names, "Microsoft.ML.Deberta/step_000/tokenizer/merges.txt");
            }
            var loaded = DebertaModelIO.Load(new MLContext(seed: 2), path, out var schema);
            var tokenized = loaded.Transform(data);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int64, 16), tokenized.Schema["InputIds"].Type);
            AssertColumns(tokenized, cases, "trunc16_pad");
            CollectionAssert.AreEqual(PredictionDump.Lines(model.Transform(data), "IdsAsFloat"), PredictionDump.Lines(tokenized, "IdsAsFloat"));

            // Plain ML.NET loading cannot restore the tokenizer and says which call does.
            var plain = mlContext.Model.Load(path, out _);
            var e = Assert.Throws<Exception>(() => plain.Transform(data));
            StringAssert.Contains(e.Message, "DebertaModelIO.Load");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void BadArgumentsAndColumnsAreNamed()
    {
        var mlContext = new MLContext(seed: 1);
        var deberta = mlContext.Transforms.Deberta;
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-tokenizer-{Guid.NewGuid():N}");
        StringAssert.Contains(Assert.Throws<DirectoryNotFoundException>(() => deberta.Tokenize(missing)).Message, missing);
        var empty = Directory.CreateTempSubdirectory("deberta-empty-").FullName;
        try
        {
            Assert.Throws<FileNotFoundException>(() => deberta.Tokenize(empty));
        }
        finally
        {
            Directory.Delete(empty);
        }
        Assert.Throws<ArgumentException>(() => deberta.Tokenize(new TokenizationOptions()));
        Assert.Throws<ArgumentException>(() => deberta.Tokenize(new TokenizationOptions
        {
            TokenizerFolder = TokenizerFolder,
            Tokenizer = DebertaTokenizerBase.FromFolder(TokenizerFolder),
        }));
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => deberta.Tokenize(new TokenizationOptions
        {
            TokenizerFolder = TokenizerFolder,
            PadToMaxLength = true,
            Truncation = DebertaTruncation.None,
        })).Message, "PadToMaxLength");
        Assert.Throws<ArgumentOutOfRangeException>(() => deberta.Tokenize(TokenizerFolder, maxLength: 2));
        Assert.Throws<ArgumentException>(() => deberta.Tokenize(new TokenizationOptions
        {
            TokenizerFolder = TokenizerFolder,
            AttentionMaskColumnName = "InputIds",
        }));

        var data = TestRows.View(mlContext, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => deberta.Tokenize(TokenizerFolder, textColumnName: "Missing").Fit(data));
        StringAssert.Contains(e.Message, "'Missing'");
        e = Assert.Throws<ArgumentOutOfRangeException>(() => deberta.Tokenize(TokenizerFolder, textColumnName: "Number").Fit(data));
        StringAssert.Contains(e.Message, "'Number'");
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            deberta.Tokenize(TokenizerFolder, textColumnName: "Words").GetOutputSchema(Deberta.MLNet.SchemaShapes.FromSchema(data.Schema)));
    }
}
