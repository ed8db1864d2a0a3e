namespace Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;

/// <summary>
/// Bad QA input fails before training (or scoring) with a message naming the row or the folder and what to do: empty
/// context or question, a question that leaves no room for the context, an answer not at its start offset (unless
/// skipped, then counted in the log), a wrong answer start, and a token-classification checkpoint given to QA.
/// </summary>
[TestClass]
public sealed class QuestionAnsweringBadInputTests
{
    private static DebertaQuestionAnsweringOptions Tiny(int maxSeqLength = 48) => new()
    {
        Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, MaxSeqLength = maxSeqLength,
        DocStride = 8, Epochs = 1, BatchSize = 8, LearningRate = 1e-3, Seed = 1,
    };

    private static List<QaInput> Rows() => QuestionAnsweringPersistenceTests.Inputs(heldOut: false, 6);

    private static InvalidDataException FitFails(List<QaInput> rows, DebertaQuestionAnsweringOptions? options = null)
    {
        var mlContext = new MLContext(seed: 1);
        return Assert.ThrowsExactly<InvalidDataException>(() =>
            mlContext.Transforms.Deberta.QuestionAnswering(options ?? Tiny()).Fit(mlContext.Data.LoadFromEnumerable(rows)));
    }

    [TestMethod]
    public void AnEmptyContextNamesTheRow()
    {
        var rows = Rows();
        rows[3].Context = "";
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 3");
        StringAssert.Contains(e.Message, "empty context");
        StringAssert.Contains(e.Message, "drop the row");
    }

    [TestMethod]
    public void AnEmptyQuestionNamesTheRow()
    {
        var rows = Rows();
        rows[2].Question = "  ";
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 2");
        StringAssert.Contains(e.Message, "empty question");
    }

    [TestMethod]
    public void AQuestionThatLeavesNoRoomForTheContextNamesTheRow()
    {
        var rows = Rows();
        rows[4].Question = string.Join(" ", Enumerable.Repeat("What is the first word?", 10));
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 4");
        StringAssert.Contains(e.Message, "leaves no room for the context");
        StringAssert.Contains(e.Message, "raise MaxSeqLength");
    }

    [TestMethod]
    public void AnAnswerNotAtItsStartNamesTheRowUnlessSkippedThenTheCountIsLogged()
    {
        var rows = Rows();
        rows[1].AnswerStart += 1;
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 1");
        StringAssert.Contains(e.Message, $"the answer '{rows[1].AnswerText}' is not at character {rows[1].AnswerStart}");
        StringAssert.Contains(e.Message, "SkipMismatchedAnswers");

        var mlContext = new MLContext(seed: 1);
        var log = new List<string>();
        mlContext.Log += (_, m) => log.Add(m.Message);
        var options = Tiny();
        options.SkipMismatchedAnswers = true;
        using var model = mlContext.Transforms.Deberta.QuestionAnswering(options).Fit(mlContext.Data.LoadFromEnumerable(rows));
        Assert.IsTrue(log.Any(l => l.Contains("skipped 1 of 6 training rows", StringComparison.Ordinal) && l.Contains("first: row 1", StringComparison.Ordinal)),
            string.Join("\n", log));
    }

    [TestMethod]
    public void ANegativeAnswerStartNamesTheRow()
    {
        var rows = Rows();
        rows[5].AnswerStart = -2;
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 5");
        StringAssert.Contains(e.Message, "answer start -2");
    }

    [TestMethod]
    public void ATokenClassificationCheckpointIsRefusedByBothQuestionAnsweringEstimators()
    {
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "tokcls");
        var mlContext = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(folder.Path));
        StringAssert.Contains(e.Message, "DebertaForTokenClassification checkpoint");
        StringAssert.Contains(e.Message, "…ForQuestionAnswering");

        // Training refuses it before any row is read; ReinitializeHead is the way out.
        var data = new ReadCountingView(mlContext.Data.LoadFromEnumerable(Rows()), "Context");
        var train = mlContext.Transforms.Deberta.QuestionAnswering(folder.Path, maxSeqLength: 48, docStride: 8, epochs: 1);
        e = Assert.ThrowsExactly<ArgumentException>(() => train.Fit(data));
        StringAssert.Contains(e.Message, "DebertaForTokenClassification checkpoint");
        StringAssert.Contains(e.Message, "ReinitializeHead = true");
        Assert.AreEqual(0, data.Reads, "no row was read");
    }

    [TestMethod]
    public void ScoringAnEmptyContextQuotesTheRowsQuestion()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", "v1_qa");
        var mlContext = new MLContext(seed: 1);
        var rows = new[] { new QaInput { Question = "Who?", Context = "Pengcheng He." }, new QaInput { Question = "Where is it?", Context = "" } };
        using var model = mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(folder).Fit(mlContext.Data.LoadFromEnumerable(rows));
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            mlContext.Data.CreateEnumerable<QaPrediction>(model.Transform(mlContext.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList());
        StringAssert.Contains(e.Message, "The row whose question is 'Where is it?'");
        StringAssert.Contains(e.Message, "context is empty");
    }
}
