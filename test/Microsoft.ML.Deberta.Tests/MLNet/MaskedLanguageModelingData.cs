using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Tests.Training;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>Unlabelled Yelp sentences (TestData/sentiment) and tiny configs for the masked-LM training tests.</summary>
internal static class MaskedLanguageModelingData
{
    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    /// <summary>The first <paramref name="trainCount"/> sentences to train on, the last <paramref name="heldOutCount"/> held out.</summary>
    public static (IDataView Train, IDataView HeldOut) Yelp(MLContext mlContext, int trainCount = 800, int heldOutCount = 200)
    {
        var sentences = LanguageModelingMaskerTests.YelpSentences();
        var train = sentences.Take(trainCount).Select(s => new TextRow { Text = s }).ToList();
        var heldOut = sentences.Skip(sentences.Count - heldOutCount).Select(s => new TextRow { Text = s }).ToList();
        return (mlContext.Data.LoadFromEnumerable(train), mlContext.Data.LoadFromEnumerable(heldOut));
    }

    public static IDataView Rows(MLContext mlContext, params string[] texts) =>
        mlContext.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }).ToList());

    /// <summary>A reference masked-LM config (config.json of a golden <c>mlm_nonlegacy</c> folder) widened to the v1 tokenizer's vocabulary.</summary>
    public static DebertaConfig ReferenceConfigForV1Tokenizer(string referenceFolder)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(referenceFolder, "config.json")))!.AsObject();
        json["vocab_size"] = DebertaTestData.V1VocabularySize;
        return DebertaConfig.FromJson(json.ToJsonString());
    }
}
