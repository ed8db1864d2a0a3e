using System.Diagnostics;
using Microsoft.ML.Deberta.Fuzz;

namespace Microsoft.ML.Deberta.Tests.Reliability;

/// <summary>
/// Every fuzz target (fuzz/, run by <c>./build.sh fuzz</c>) replays its seeds and the committed corpus in this
/// process: the golden seeds load, and each input a fuzzing run turned up (<c>fuzz/corpus/&lt;target&gt;/regression-*</c>)
/// is refused with a documented exception whose message says what is wrong — where it once crashed.
/// </summary>
[TestClass]
public sealed class FuzzCorpusTests
{
    // What each regression input's refusal must say, by the start of its file name.
    private static readonly Dictionary<string, string> ExpectedRefusals = new()
    {
        ["regression-invalid-utf8-"] = "not valid UTF-8",
        ["regression-duplicate-key-"] = "Duplicate",
        ["regression-wrong-kind-"] = "tokenizer",
        ["regression-fails-at-run-"] = "could not run",
    };

    public static IEnumerable<object[]> Targets => FuzzTargets.All.Select(t => new object[] { t.Name });

    [TestMethod]
    [DynamicData(nameof(Targets))]
    public void SeedsLoadAndRegressionInputsAreRefusedAsDocumented(string name)
    {
        var target = FuzzTargets.Named(name);
        var scratch = Directory.CreateTempSubdirectory("deberta-fuzz-corpus-").FullName;
        try
        {
            var files = FuzzSeeds.Files(target, scratch);
            Assert.IsTrue(files.Any(f => Path.GetFileName(f).StartsWith("golden-", StringComparison.Ordinal)
                || Path.GetFileName(f).StartsWith("corpus-", StringComparison.Ordinal)), $"{name} has no seeds");
            using var workspace = new FuzzWorkspace();
            foreach (var file in files)
                Replay(target, workspace, file);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Replay(FuzzTarget target, FuzzWorkspace workspace, string file)
    {
        var fileName = Path.GetFileName(file);
        var watch = Stopwatch.StartNew();
        Exception? refusal;
        try
        {
            refusal = target.Execute(File.ReadAllBytes(file), workspace);
        }
        catch (Exception e)
        {
            throw new AssertFailedException($"{target.Name} {fileName}: undocumented {e.GetType().FullName}: {e.Message}", e);
        }
        // Generous against a loaded CI machine; the fuzzing run itself holds inputs to the target's limit.
        Assert.IsLessThan(target.HangMilliseconds * 5L, watch.ElapsedMilliseconds, $"{target.Name} {fileName} took {watch.ElapsedMilliseconds} ms");
        var expected = ExpectedRefusals.FirstOrDefault(p => fileName.Contains(p.Key, StringComparison.Ordinal));
        if (expected.Key is not null)
        {
            Assert.IsNotNull(refusal, $"{target.Name} {fileName} was accepted; it must be refused");
            StringAssert.Contains(refusal.Message, expected.Value, $"{target.Name} {fileName}");
        }
        else if (fileName.StartsWith("golden-", StringComparison.Ordinal))
        {
            Assert.IsNull(refusal, $"{target.Name} {fileName}: a golden file was refused: {refusal?.Message}");
        }
    }
}
