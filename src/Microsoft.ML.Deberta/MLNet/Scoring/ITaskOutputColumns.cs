using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The output binder of a structured task, as saved: <see cref="IRowOutputColumns{TRow}"/> plus the task's name and
/// the settings its <see cref="IRowScoringReader"/> needs to rebuild the same columns (names, label values, options).
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal interface ITaskOutputColumns<TRow> : IRowOutputColumns<TRow>
{
    /// <summary>The task, e.g. <c>"token-classification"</c>: recorded in the step and picks the reader on load.</summary>
    string TaskKind { get; }

    /// <summary>What the reader needs to rebuild these columns (written into the step's <c>row_step.json</c>).</summary>
    JsonObject ToJson();
}
