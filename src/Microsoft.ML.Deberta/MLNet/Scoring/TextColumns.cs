namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The input text column(s) a text model reads.</summary>
/// <param name="Text">The first (or only) text column.</param>
/// <param name="Pair">The second text column of a pair task (e.g. premise/hypothesis), or null.</param>
internal sealed record TextColumns(string Text, string? Pair = null);
