namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// A checkpoint whose weights do not fit the model its config describes: required keys missing, or tensors whose
/// shape or dtype differ from the model's. Raised before any weight is copied, so no model is half loaded.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public CheckpointMismatchException(string source, IReadOnlyList<string> missingKeys, IReadOnlyList<string> mismatches)
        : base(Describe(source, missingKeys, mismatches))
    {
        MissingKeys = missingKeys;
        Mismatches = mismatches;
    }

    /// <summary>A mismatch of heads under <see cref="CheckpointLoadOptions.Strict"/>: the message names it and the fix.</summary>
    internal CheckpointMismatchException(string message, IReadOnlyList<string> missingKeys)
        : base(message)
    {
        MissingKeys = missingKeys;
        Mismatches = [];
    }

    /// <summary>Model keys the checkpoint lacks (without the <c>deberta.</c> prefix ambiguity: as the model names them).</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>One line per tensor whose shape or dtype does not fit: the key, the checkpoint's shape and the model's.</summary>
    public IReadOnlyList<string> Mismatches { get; }

    private static string Describe(string source, IReadOnlyList<string> missing, IReadOnlyList<string> mismatches)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
            parts.Add($"{missing.Count} required key(s) missing: {string.Join(", ", missing)}");
        if (mismatches.Count > 0)
            parts.Add($"{mismatches.Count} tensor(s) do not fit the config: {string.Join("; ", mismatches)}");
        return $"Checkpoint '{source}' does not match its model. {string.Join(". ", parts)}.";
    }
}
