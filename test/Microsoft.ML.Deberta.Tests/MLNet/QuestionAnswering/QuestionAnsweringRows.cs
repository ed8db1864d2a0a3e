namespace Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;

/// <summary>A QA input row as ML.NET reads it (SQuAD's fields).</summary>
public sealed class QaInput
{
    public string Question { get; set; } = "";

    public string Context { get; set; } = "";

    public string AnswerText { get; set; } = "";

    public int AnswerStart { get; set; }
}

/// <summary>What a PredictionEngine returns for a QA row: the structured outputs as arrays.</summary>
public sealed class QaPrediction
{
    public string[] Answer { get; set; } = [];

    public float[] Score { get; set; } = [];

    public int[] Start { get; set; } = [];

    public int[] End { get; set; } = [];
}
