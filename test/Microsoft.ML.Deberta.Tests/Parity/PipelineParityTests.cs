using System.Text.Json;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// The task decoders with the folder's own tokenizer and model against transformers' pipelines: every
/// <c>pipelines/&lt;name&gt;/</c> folder of the golden root (TestData/golden, or <c>DEBERTA_GOLDEN_ROOT</c>) whose
/// <c>golden_pipeline.json</c> holds token-classification or question-answering outputs is loaded as it ships and
/// every field of every stored output is compared (labels, words, answers and character spans exactly, scores
/// within 1e-5). One line per folder and task reports what was compared.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class PipelineParityTests
{
    [TestMethod]
    public void TokenClassificationMatchesTheTokenClassificationPipeline()
        => CompareEvery(TokenClassificationPipelineParity.Task, TokenClassificationPipelineParity.Holds, TokenClassificationPipelineParity.Compare);

    [TestMethod]
    public void QuestionAnsweringMatchesTheQuestionAnsweringPipeline()
        => CompareEvery(QuestionAnsweringPipelineParity.Task, QuestionAnsweringPipelineParity.Holds, QuestionAnsweringPipelineParity.Compare);

    private static void CompareEvery(string task, Func<JsonElement, bool> holds, Func<GoldenPipelineFolder, PipelineComparison> compare)
    {
        var failures = new List<string>();
        int folders = 0;
        foreach (string path in GoldenPipelineFolder.FindAll())
        {
            using var folder = GoldenPipelineFolder.Open(path);
            if (!folder.Settings.Any(s => holds(s.Value)))
                continue;
            folders++;
            PipelineComparison result;
            try
            {
                result = compare(folder);
            }
            catch (Exception e) when (e is not AssertFailedException)
            {
                failures.Add($"{folder.Name}: {e.GetType().Name}: {e.Message}");
                continue;
            }
            Console.WriteLine(result.Report(folder.Name, task));
            if (result.Outputs == 0)
                failures.Add($"{folder.Name}: holds {task} outputs but none was compared.");
            failures.AddRange(result.Failures);
        }
        if (folders == 0)
            GoldenData.NothingToCompare($"no pipelines/ folder of '{GoldenData.Root}' holds {task} outputs");
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} difference(s) from the {task} pipeline:\n" + string.Join("\n", failures.Take(40)));
    }
}
