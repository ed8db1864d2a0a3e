namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The structured tasks <c>DebertaModelIO.Load</c> can rebuild, by <see cref="IRowScoringReader.TaskKind"/>.</summary>
internal static class RowScoringReaders
{
    /// <summary>The step folder's subfolder holding the model payload.</summary>
    public const string ModelFolder = "model";

    /// <summary>One reader per structured task of this library (add a line per task).</summary>
    public static IReadOnlyList<IRowScoringReader> BuiltIn { get; } =
    [
        new TokenClassificationReader(),
        new QuestionAnsweringReader(),
        new FillMaskReader(),
        new ZeroShotColumnReader(),
    ];

    /// <summary>Rebuilds a step from the folder <see cref="IRowScoringStep.WriteStep"/> wrote, with the reader of its task.</summary>
    /// <exception cref="InvalidDataException">Unknown task (a newer library wrote it), or an incomplete or corrupt step.</exception>
    public static IRowScoringStep ReadStep(string folder, string where, IReadOnlyList<IRowScoringReader> readers)
    {
        var settings = RowStepSettings.Read(Path.Combine(folder, RowStepSettings.FileName), where);
        var reader = readers.FirstOrDefault(r => r.TaskKind == settings.TaskKind) ?? throw new InvalidDataException(
            $"{where}: the step is a '{settings.TaskKind}' model, which this version of Microsoft.ML.Deberta cannot load " +
            $"(it loads: {(readers.Count == 0 ? "none" : string.Join(", ", readers.Select(r => r.TaskKind)))}). Update the Microsoft.ML.Deberta package.");
        return reader.Read(settings, settings.Outputs, Path.Combine(folder, ModelFolder), where);
    }
}
