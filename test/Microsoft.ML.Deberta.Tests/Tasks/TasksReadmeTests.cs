using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tests.Parity;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// Keeps the snippet of src/Microsoft.ML.Deberta/Tasks/README.md true: the same statements on the golden pipeline
/// folders, the entities checked against what the pipeline returned (aggregation first) for the same text.
/// </summary>
[TestClass]
public sealed class TasksReadmeTests
{
    [TestMethod]
    public void TheReadmeSnippetRunsAndTagsAsThePipeline()
    {
        string nerFolder = GoldenData.Bundled("pipelines", "v1_tokcls");
        string qaFolder = GoldenData.Bundled("pipelines", "v1_qa");
        using var golden = GoldenPipelineFolder.Open(nerFolder);
        string text = golden.Texts[1];
        (string question, string context) = golden.QuestionContexts[1];

        // --- Tasks/README.md (keep in sync) ---
        var nerTokenizer = DebertaTokenizerBase.FromFolder(nerFolder);
        using var ner = DebertaCheckpoint.Load<DebertaForTokenClassification>(nerFolder);
        var tagger = new TokenClassificationDecoder(nerTokenizer, [.. Enumerable.Range(0, ner.Config.NumLabels).Select(i => ner.Config.Id2Label[i])]);
        IReadOnlyList<DebertaEncoding> windows = tagger.Encode(text, maxLength: 512, stride: 128);
        float[][] logits = TokenLevelPredictor.PredictTokenLogits(ner, windows);
        IReadOnlyList<EntitySpan> entities = tagger.Decode(text, windows, logits,
            new TokenClassificationDecodingOptions { Aggregation = EntityAggregation.First });

        var qaTokenizer = DebertaTokenizerBase.FromFolder(qaFolder);
        using var qaModel = DebertaCheckpoint.Load<DebertaForQuestionAnswering>(qaFolder);
        var reader = new QuestionAnsweringDecoder(qaTokenizer);
        var options = new QuestionAnsweringOptions { TopK = 3, HandleImpossibleAnswer = true };
        IReadOnlyList<DebertaEncoding> spans = reader.Encode(question, context, options);
        (float[][] startLogits, float[][] endLogits) = TokenLevelPredictor.PredictSpanLogits(qaModel, spans);
        IReadOnlyList<AnswerSpan> answers = reader.Decode(question, context, spans, startLogits, endLogits, options);
        // --- end of snippet ---

        var expected = golden.Outputs.GetProperty("first")[1].EnumerateArray()
            .Select(e => (e.GetProperty("entity_group").GetString(), e.GetProperty("word").GetString(), e.GetProperty("start").GetInt32(), e.GetProperty("end").GetInt32()))
            .ToArray();
        CollectionAssert.AreEqual(expected, entities.Select(e => (e.Label, e.Word, e.Start, e.End)).ToArray());
        Assert.HasCount(3, answers);
        Assert.IsGreaterThan(1, spans.Count, "the license text needs two windows of 384 tokens");
        CollectionAssert.AreEqual(answers.OrderByDescending(a => a.Score).ToArray(), answers.ToArray());
        Assert.IsTrue(answers.All(a => a.IsNoAnswer || context[a.Start..a.End] == a.Answer));
    }
}
