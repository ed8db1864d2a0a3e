using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Rebuilds a structured step of one task from its saved folder: loads the task's model payload and its output
/// columns. Register one per task in <see cref="RowScoringReaders.BuiltIn"/>.
/// </summary>
internal interface IRowScoringReader
{
    /// <summary>The <see cref="ITaskOutputColumns{TRow}.TaskKind"/> this reader reads.</summary>
    string TaskKind { get; }

    /// <summary>
    /// Loads the step. The folder is temporary and is deleted when this returns, so read every file now; throw
    /// <see cref="InvalidDataException"/> naming <paramref name="where"/> when something is missing or inconsistent.
    /// </summary>
    /// <param name="settings">The step's saved settings (columns, batch size, payload kind).</param>
    /// <param name="outputs">What the task's <see cref="ITaskOutputColumns{TRow}.ToJson"/> wrote.</param>
    /// <param name="modelFolder">The folder the scorer's <see cref="IDebertaScorer.SavePayload"/> wrote.</param>
    /// <param name="where">The step, for error messages.</param>
    IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where);
}
