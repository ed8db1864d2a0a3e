using System.Diagnostics;
using Microsoft.ML.Deberta.Fuzz;
using SharpFuzz;

// Usage (build.sh fuzz drives these; see README.md):
//   Microsoft.ML.Deberta.Fuzz list                          the targets, one per line: name<TAB>hang limit in ms<TAB>what it parses
//   Microsoft.ML.Deberta.Fuzz seeds <target> <folder>       write the target's starting inputs
//   Microsoft.ML.Deberta.Fuzz run <target> [<warm-up file>]  the AFL++ fork-server loop (afl-fuzz starts this)
//   Microsoft.ML.Deberta.Fuzz replay <target> <file>...     run inputs in this process; exit 1 on a finding
if (args.Length == 0)
    return Usage();
switch (args[0])
{
    case "list":
        foreach (var target in FuzzTargets.All)
            Console.WriteLine($"{target.Name}\t{target.HangMilliseconds}\t{target.Parses}");
        return 0;
    case "seeds" when args.Length == 3:
        Console.WriteLine($"{args[1]}: {FuzzSeeds.Write(FuzzTargets.Named(args[1]), args[2])} seeds");
        return 0;
    case "run" when args.Length is 2 or 3:
    {
        var target = FuzzTargets.Named(args[1]);
        using var workspace = new FuzzWorkspace();
        // The first load JIT-compiles the parsers and starts libtorch or ONNX Runtime: seconds, which afl-fuzz would
        // count against the 2 s limit of the first input. Run one input before the loop so inputs are timed warm.
        if (args.Length == 3)
            WarmUp(target, workspace, args[2]);
        // An undocumented exception escapes Execute: SharpFuzz reports it to afl-fuzz as a crash.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Execute(buffer.ToArray(), workspace);
        });
        return 0;
    }
    case "replay" when args.Length >= 3:
        return Replay(FuzzTargets.Named(args[1]), args[2..]);
    default:
        return Usage();
}

static int Replay(FuzzTarget target, string[] files)
{
    using var workspace = new FuzzWorkspace();
    int findings = 0;
    foreach (var file in files)
    {
        var watch = Stopwatch.StartNew();
        string outcome;
        try
        {
            var refusal = target.Execute(File.ReadAllBytes(file), workspace);
            outcome = refusal is null ? "accepted" : $"refused: {refusal.GetType().Name}: {FirstLine(refusal.Message)}";
            if (watch.ElapsedMilliseconds > target.HangMilliseconds)
            {
                findings++;
                outcome = $"FINDING: a hang (over {target.HangMilliseconds} ms); {outcome}";
            }
        }
        catch (Exception e)
        {
            findings++;
            outcome = $"FINDING: {e.GetType().FullName}: {FirstLine(e.Message)}\n{e.StackTrace}";
        }
        Console.WriteLine($"{Path.GetFileName(file)} ({watch.ElapsedMilliseconds} ms): {outcome}");
    }
    return findings == 0 ? 0 : 1;
}

// The instrumented assembly writes coverage through SharpFuzz.Common.Trace.SharedMem, which points nowhere until
// Fuzzer.Run attaches afl-fuzz's map: the warm-up's coverage goes to a scratch map of our own instead.
static unsafe void WarmUp(FuzzTarget target, FuzzWorkspace workspace, string input)
{
    const int ScratchMapBytes = 1 << 20;   // larger than any AFL map SharpFuzz indexes into
    var scratch = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(ScratchMapBytes);
    SharpFuzz.Common.Trace.SharedMem = scratch;
    try { target.Execute(File.ReadAllBytes(input), workspace); }
    catch (Exception e) { Console.Error.WriteLine($"warm-up input failed: {e.GetType().Name}: {e.Message}"); }
    // The scratch map is left allocated: a finalizer or timer thread may still write through the old pointer.
}

static string FirstLine(string text) => text.Split('\n')[0];

static int Usage()
{
    Console.Error.WriteLine("usage: Microsoft.ML.Deberta.Fuzz list | seeds <target> <folder> | run <target> [<warm-up file>] | replay <target> <file>...");
    return 2;
}
