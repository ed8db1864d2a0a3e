using System.Globalization;
using Microsoft.ML.Deberta.Bench;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

// The benchmark: this library's inference routes against ONNX Runtime fp32 on the same graphs, interleaved in one
// process; then training and ML.NET scoring speed. Only same-run ratios mean anything: absolute figures drift.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException or FormatException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 2;
}

// Both sides get every core: libtorch's intra-op pool and ONNX Runtime's (see OnnxRuntimeContender).
torch.set_num_threads(Environment.ProcessorCount);
Console.WriteLine($"cpu: {CpuModel()}");
Console.WriteLine($"cores: {Environment.ProcessorCount}");
Console.WriteLine($"load: {LoadAverage()} (1, 5, 15 min) at the start");
Console.WriteLine($"# ONNX Runtime {OrtEnv.Instance().GetVersionString()}, libtorch threads {torch.get_num_threads()}, .NET {Environment.Version}; " +
    $"{options.Rounds} round(s) of {options.Seconds} s per contender and shape");

double bf16Gflops = MatmulRate.Measure(seconds: 1, rounds: 5);

var measurements = new List<Measurement>();
var configs = new Dictionary<string, DebertaConfig>();
foreach (var model in options.Models)
{
    string graphFolder = AnchorGraphs.Prepare(options, model);
    configs[model] = DebertaConfig.Load(graphFolder);
    measurements.AddRange(InferenceRun.Measure(options, model, graphFolder, configs[model]));
}
var trainingRates = new List<TrainingRun.Rate>();
if (options.TrainSeconds > 0)
{
    foreach (var model in options.Models)
        trainingRates.AddRange(TrainingRun.Measure(model, configs[model], options.TrainSeconds, InferenceRun.VocabTop(model)));
}
if (options.ScoringRows > 0)
{
    foreach (var model in options.Models)
        ScoringRun.Measure(options, model, configs[model]);
}
Console.WriteLine($"load: {LoadAverage()} (1, 5, 15 min) at the end");
foreach (var group in measurements.GroupBy(m => (m.Model, m.Batch, m.Seq)))
{
    var anchor = group.SingleOrDefault(m => m.Route == "ort-fp32");
    if (anchor is null) continue;
    foreach (var m in group.Where(m => m.Route != "ort-fp32"))
        Console.WriteLine($"ratio {m.Route} / ort-fp32 {m.Model} b{m.Batch} s{m.Seq}: {m.SequencesPerSecond / anchor.SequencesPerSecond:F2}");
}
TrainingRun.PrintRatios(trainingRates, TrainingRun.OrtRatesAtTrainingShape(measurements));
// How close the bf16 forward comes to doing nothing but bf16 products at the measured matmul rate.
foreach (var m in measurements.Where(m => m.Route == "bf16"))
{
    double roofline = bf16Gflops * 1e9 / MatmulRate.ForwardFlops(configs[m.Model], m.Seq, m.Batch);
    Console.WriteLine($"roofline bf16 {m.Model} b{m.Batch} s{m.Seq}: {roofline:F1} sequences/s at the bf16 matmul rate; measured {m.SequencesPerSecond / roofline:P0} of it");
}
return 0;

// Other work on the machine takes cores from every contender, but not equally: read the ratios of a loaded run with care.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

// lscpu's "Model name", read where it reads it (the Debian root has no lscpu).
static string CpuModel()
{
    const string cpuinfo = "/proc/cpuinfo";
    var line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
    return line is null ? $"unknown ({System.Runtime.InteropServices.RuntimeInformation.OSArchitecture})" : line[(line.IndexOf(':') + 1)..].Trim();
}
