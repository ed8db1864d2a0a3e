using System.Text.Json.Nodes;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.Tests.MLNet.Scoring;

/// <summary>
/// The structured-output seam with a model-free scorer: variable-length vector columns (text, keys, floats) through
/// Transform (batched) and PredictionEngine (one row), with the row order and values the scorer gave.
/// </summary>
[TestClass]
public sealed class RowScoringSeamTests
{
    private sealed record WordsRow(string[] Words, uint[] Keys, float[] Lengths);

    // Splits each text into words; key = 1 + (word length mod 3); score = word length.
    private sealed class WordScorer : IDebertaRowScorer<WordsRow>
    {
        public List<int> Batches { get; } = [];

        public string PayloadKind => "test-words";

        public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
            texts.Select(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();

        public IReadOnlyList<WordsRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
        {
            Batches.Add(texts.Count);
            return [.. ((string[][])prepared!).Select(w => new WordsRow(w, [.. w.Select(x => (uint)(1 + x.Length % 3))], [.. w.Select(x => (float)x.Length)]))];
        }

        public void SavePayload(string folder) { }

        public void Dispose() { }
    }

    private sealed class WordColumns : ITaskOutputColumns<WordsRow>
    {
        public string TaskKind => "test-words";

        public DataViewSchema.DetachedColumn[] CreateColumns(uint setId) =>
        [
            new("Words", VectorValues.Of(TextDataViewType.Instance)),
            new("Keys", VectorValues.Of(new KeyDataViewType(typeof(uint), 3))),
            new("Lengths", VectorValues.Of(NumberDataViewType.Single)),
        ];

        public Delegate MakeGetter(int index, Func<WordsRow> row) => index switch
        {
            0 => VectorValues.TextGetter(row, r => r.Words),
            1 => VectorValues.Getter(row, r => r.Keys),
            2 => VectorValues.Getter(row, r => r.Lengths),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public JsonObject ToJson() => [];
    }

    private sealed class Input
    {
        public string Text { get; set; } = "";
    }

    private sealed class Output
    {
        public string[] Words { get; set; } = [];

        public uint[] Keys { get; set; } = [];

        public float[] Lengths { get; set; } = [];
    }

    private static readonly string[] Texts = ["a bb ccc", "", "dddd", "e ff ggg hhhh iiiii"];

    [TestMethod]
    public void TransformBatchesRowsAndGivesEachRowItsOwnVectors()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = new WordScorer();
        using var transformer = new StructuredScoringTransformer(new RowScoring<WordsRow>(scorer, new WordColumns(), new TextColumns("Text"), batchSize: 3));
        var data = mlContext.Data.LoadFromEnumerable(Texts.Select(t => new Input { Text = t }));
        var rows = mlContext.Data.CreateEnumerable<Output>(transformer.Transform(data), reuseRowObject: false).ToArray();

        CollectionAssert.AreEqual(new[] { 3, 1 }, scorer.Batches, "4 rows in batches of 3");
        for (int i = 0; i < Texts.Length; i++)
        {
            var words = Texts[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            CollectionAssert.AreEqual(words, rows[i].Words, $"row {i}");
            CollectionAssert.AreEqual(words.Select(w => (uint)(1 + w.Length % 3)).ToArray(), rows[i].Keys, $"row {i}");
            CollectionAssert.AreEqual(words.Select(w => (float)w.Length).ToArray(), rows[i].Lengths, $"row {i}");
        }
        var keys = transformer.GetOutputSchema(data.Schema)["Keys"].Type;
        Assert.AreEqual(new VectorDataViewType(new KeyDataViewType(typeof(uint), 3)), keys);
    }

    [TestMethod]
    public void PredictionEngineBindsTheVectorColumnsOneRowAtATime()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = new WordScorer();
        using var transformer = new StructuredScoringTransformer(new RowScoring<WordsRow>(scorer, new WordColumns(), new TextColumns("Text"), batchSize: 8));
        using var engine = mlContext.Model.CreatePredictionEngine<Input, Output>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        // A long row then a short one: the short row's vectors must not keep the long row's tail.
        var first = engine.Predict(new Input { Text = Texts[3] });
        CollectionAssert.AreEqual(new[] { "e", "ff", "ggg", "hhhh", "iiiii" }, first.Words);
        var second = engine.Predict(new Input { Text = Texts[0] });
        CollectionAssert.AreEqual(new[] { "a", "bb", "ccc" }, second.Words);
        CollectionAssert.AreEqual(new uint[] { 2, 3, 1 }, second.Keys);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, second.Lengths);
        CollectionAssert.AreEqual(new[] { 1, 1 }, scorer.Batches);
    }

    [TestMethod]
    public void AScorerThatLosesARowIsAClearError()
    {
        var mlContext = new MLContext(seed: 1);
        using var transformer = new StructuredScoringTransformer(new RowScoring<WordsRow>(new LosingScorer(), new WordColumns(), new TextColumns("Text"), batchSize: 8));
        var data = transformer.Transform(mlContext.Data.LoadFromEnumerable(Texts.Select(t => new Input { Text = t })));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => data.GetColumn<VBuffer<ReadOnlyMemory<char>>>("Words").ToArray());
        StringAssert.Contains(e.Message, "3 predictions for a batch of 4 rows");
    }

    private sealed class LosingScorer : IDebertaRowScorer<WordsRow>
    {
        public string PayloadKind => "test-words";

        public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => null;

        public IReadOnlyList<WordsRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared) =>
            [.. texts.Skip(1).Select(_ => new WordsRow([], [], []))];

        public void SavePayload(string folder) { }

        public void Dispose() { }
    }
}
