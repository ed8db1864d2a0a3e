using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>A row with a text, an optional second text, and labels of every type the ML.NET layer meets.</summary>
public sealed class TestRow
{
    public string Text { get; set; } = "";

    public string Second { get; set; } = "";

    public string Label { get; set; } = "";

    public bool Positive { get; set; }

    public float Value { get; set; }

    public int Topic { get; set; }

    public float Number { get; set; }

    [VectorType(3)]
    public float[] Vector { get; set; } = [0, 0, 0];

    public string[] Words { get; set; } = [];
}

/// <summary>Deterministic sample rows: three topics with distinct vocabulary, so a trigram model learns them.</summary>
internal static class TestRows
{
    private static readonly string[][] Topics =
    [
        ["football", "goal", "match", "striker", "league", "referee", "stadium", "coach"],
        ["pasta", "recipe", "garlic", "oven", "dessert", "butter", "kitchen", "spicy"],
        ["compiler", "server", "database", "kernel", "network", "laptop", "software", "cloud"],
    ];

    private static readonly string[] Labels = ["sports", "food", "tech"];

    /// <summary><paramref name="count"/> rows; row i has topic i % 3 (label "sports"/"food"/"tech").</summary>
    public static List<TestRow> Make(int count, int seed = 7)
    {
        var random = new Random(seed);
        var rows = new List<TestRow>();
        for (int i = 0; i < count; i++)
        {
            int topic = i % 3;
            var words = Enumerable.Range(0, 5).Select(_ => Topics[topic][random.Next(Topics[topic].Length)]).ToArray();
            rows.Add(new TestRow
            {
                Text = $"the {words[0]} and {words[1]} near {words[2]}",
                Second = $"{words[3]} {words[4]}",
                Label = Labels[topic],
                Positive = topic == 0,
                Topic = 10 * (topic + 1),
                Value = topic * 2.5f + (float)random.NextDouble(),
                Number = i,
                Vector = [i, i * 0.5f, -i],
                Words = [.. words.Take(1 + i % 3)],
            });
        }
        return rows;
    }

    public static IDataView View(MLContext mlContext, int count, int seed = 7) => mlContext.Data.LoadFromEnumerable(Make(count, seed));
}
