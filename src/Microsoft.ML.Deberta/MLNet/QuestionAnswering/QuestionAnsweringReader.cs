using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Rebuilds a saved QA step: the model payload (<see cref="QuestionAnsweringScorer.Load"/>) and its columns.</summary>
internal sealed class QuestionAnsweringReader : IRowScoringReader
{
    public string TaskKind => QuestionAnsweringColumns.Kind;

    public IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where)
    {
        var columns = QuestionAnsweringColumns.FromJson(outputs, where);
        if (settings.PayloadKind is not (QuestionAnsweringScorer.Kind or OnnxQuestionAnsweringScorer.Kind))
            throw new InvalidDataException($"{where}: a question-answering step with a '{settings.PayloadKind}' model; expected '{QuestionAnsweringScorer.Kind}' " +
                $"or '{OnnxQuestionAnsweringScorer.Kind}'.");
        if (settings.PairColumn is null)
            throw new InvalidDataException($"{where}: the saved question-answering step names no context column.");
        IDebertaRowScorer<QuestionAnsweringRow> scorer;
        try
        {
            // The ONNX payload holds no TorchSharp weights: it always scores with ONNX Runtime.
            scorer = settings.PayloadKind == OnnxQuestionAnsweringScorer.Kind
                ? OnnxQuestionAnsweringScorer.Open(modelFolder, where)
                : QuestionAnsweringScorer.Load(modelFolder);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
        return new RowScoring<QuestionAnsweringRow>(scorer, columns, settings.Columns, settings.BatchSize);
    }
}
