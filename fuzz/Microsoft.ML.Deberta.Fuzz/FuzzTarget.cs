namespace Microsoft.ML.Deberta.Fuzz;

/// <summary>
/// One parser of outside input under fuzzing: <see cref="Run"/> hands the fuzzed bytes to the library's public entry
/// point the way a user's file would reach it. Exceptions of the <see cref="Documented"/> kinds (the entry point's
/// XML docs) are the parser refusing bad input; anything else escaping — another exception, a native fault, a hang —
/// is a finding.
/// </summary>
/// <param name="Name">The name on the command line and the corpus folder's name.</param>
/// <param name="Parses">What the fuzzed bytes are, for the report.</param>
/// <param name="Run">Loads the bytes through the library (and uses what it loaded).</param>
/// <param name="Documented">The exception types the entry point documents; their subclasses count too.</param>
/// <param name="HangMilliseconds">An input running longer is a hang: 2 s, the bound for a small input; more
/// only where every input loads and runs a whole model.</param>
internal sealed record FuzzTarget(string Name, string Parses, Action<byte[], FuzzWorkspace> Run, Type[] Documented, int HangMilliseconds = 2000)
{
    /// <summary>Runs one input; returns the documented refusal, or null when the input was accepted.</summary>
    public Exception? Execute(byte[] input, FuzzWorkspace workspace)
    {
        try
        {
            Run(input, workspace);
            return null;
        }
        catch (Exception e) when (IsDocumented(e))
        {
            return e;
        }
    }

    public bool IsDocumented(Exception e) => Documented.Any(type => type.IsInstanceOfType(e));
}
