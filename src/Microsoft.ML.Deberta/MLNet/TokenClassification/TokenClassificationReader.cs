using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Rebuilds a saved NER step: its payload (<see cref="TokenClassificationScorer"/>) and its output columns.</summary>
internal sealed class TokenClassificationReader : IRowScoringReader
{
    public string TaskKind => TokenClassificationColumns.Task;

    public IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where)
    {
        if (settings.PayloadKind != TokenClassificationScorer.Kind)
            throw new InvalidDataException($"{where}: a '{TaskKind}' step with a '{settings.PayloadKind}' payload; expected '{TokenClassificationScorer.Kind}'.");
        var columns = TokenClassificationColumns.FromJson(outputs, where);
        var encoding = TokenClassificationEncoding.Read(Path.Combine(modelFolder, TokenClassificationEncoding.FileName));
        var scorer = TokenClassificationScorer.Open(modelFolder, null, encoding, where);
        if (scorer.Labels.Count != columns.Labels.Count)
        {
            scorer.Dispose();
            throw new InvalidDataException($"{where}: the model has {scorer.Labels.Count} labels but {columns.Labels.Count} label values were saved.");
        }
        return new RowScoring<TokenClassificationRow>(scorer, columns, settings.Columns, settings.BatchSize);
    }
}
