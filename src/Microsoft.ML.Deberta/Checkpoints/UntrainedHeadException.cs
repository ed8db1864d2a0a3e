namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// A checkpoint loaded for a task whose head it does not hold: those weights would be random, and so would every
/// answer. Raised instead of returning such a model (transformers silently initialises the head and warns).
/// </summary>
public sealed class UntrainedHeadException : Exception
{
    /// <summary>Creates the exception for <paramref name="folder"/> and the head keys it lacks.</summary>
    public UntrainedHeadException(string folder, string task, IReadOnlyList<string> missingKeys, string remedy)
        : base($"Checkpoint '{folder}' has no trained {task} head: {string.Join(", ", missingKeys)} "
            + $"{(missingKeys.Count == 1 ? "is" : "are")} missing, so the head would be random and so would its output. {remedy}")
    {
        Folder = folder;
        MissingKeys = missingKeys;
    }

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; }

    /// <summary>The head keys the checkpoint lacks, as the model names them.</summary>
    public IReadOnlyList<string> MissingKeys { get; }
}
