using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

/// <summary>The NER test data: the Yelp NER file (see TestData/ner/README.md) and the reference token classifier.</summary>
internal static class NerData
{
    public static string YelpConll => Path.Combine(AppContext.BaseDirectory, "TestData", "ner", "yelp_ner.conll");

    /// <summary>transformers' tiny v1 token classifier (O, B-PER, I-PER, B-LOC, I-LOC) with its full tokenizer.</summary>
    public static string PipelineTokenClassifier => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", "v1_tokcls");

    /// <summary>A sentence and its tags as an ML.NET row (tags to be mapped to keys).</summary>
    public sealed class TaggedRow
    {
        public string Text { get; set; } = "";

        public string[] Label { get; set; } = [];
    }

    /// <summary>What a PredictionEngine binds from a NER step.</summary>
    public sealed class NerPrediction
    {
        public uint[] PredictedLabel { get; set; } = [];

        public float[] Score { get; set; } = [];

        public string[] EntityGroup { get; set; } = [];

        public string[] EntityText { get; set; } = [];

        public int[] EntityStart { get; set; } = [];

        public int[] EntityEnd { get; set; } = [];

        public float[] EntityScore { get; set; } = [];
    }

    public static readonly string[] OutputColumns = ["PredictedLabel", "Score", "EntityGroup", "EntityText", "EntityStart", "EntityEnd", "EntityScore"];

    /// <summary>Rows for the child process (text only).</summary>
    public static void WriteRows(string path, IEnumerable<string> texts) => File.WriteAllLines(path, texts.Select(t => t + "\t"));

    public static IDataView Texts(MLContext mlContext, IEnumerable<string> texts) =>
        mlContext.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }).ToList());
}
