namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>An entity read off a tag sequence: its type and its first and last position (inclusive).</summary>
/// <param name="Type">The type (<c>PER</c> for <c>B-PER</c>); <c>_</c> for bare <c>B</c>/<c>I</c> tags.</param>
/// <param name="Start">Position of its first tag.</param>
/// <param name="End">Position of its last tag (inclusive, as seqeval reports it).</param>
public sealed record EntityChunk(string Type, int Start, int End);
