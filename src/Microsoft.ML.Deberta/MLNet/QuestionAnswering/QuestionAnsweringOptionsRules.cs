using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Checks <see cref="DebertaQuestionAnsweringOptions"/> when an estimator is created, so a bad setting fails at once with its name.</summary>
internal static class QuestionAnsweringOptionsRules
{
    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) naming the first bad setting.</summary>
    /// <param name="o">The options.</param>
    /// <param name="method">The catalog method, for messages.</param>
    /// <param name="training">Whether the estimator trains (answer columns, start and recipe are then checked too).</param>
    public static void Check(DebertaQuestionAnsweringOptions o, string method, bool training)
    {
        string[] inputs = training
            ? [o.ContextColumnName, o.QuestionColumnName, o.AnswerTextColumnName, o.AnswerStartColumnName]
            : [o.ContextColumnName, o.QuestionColumnName];
        string[] outputs = [o.AnswerColumnName, o.ScoreColumnName, o.StartColumnName, o.EndColumnName];
        foreach (var name in inputs.Concat(outputs))
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException($"{method}: a column name is empty.", nameof(o));
        if (inputs.Distinct(StringComparer.Ordinal).Count() != inputs.Length)
            throw new ArgumentException($"{method}: the input columns must differ; got {string.Join(", ", inputs)}.", nameof(o));
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
            throw new ArgumentException($"{method}: the output columns must have distinct names; got {string.Join(", ", outputs)}.", nameof(o));
        if (QuestionAnsweringSettings.From(o).Problem() is string problem)
            throw new ArgumentOutOfRangeException(nameof(o), $"{method}: {problem}");
        PrecisionRules.Check(o.InferencePrecision, nameof(o.InferencePrecision), method);
        if (!training)
            return;

        FineTuningOptionsRules.Check(o, method);
    }
}
