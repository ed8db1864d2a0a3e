using System.Globalization;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>The command line: which shapes to measure, for how long, and where the anchor graphs and the work folder are.</summary>
internal sealed record BenchOptions
{
    public IReadOnlyList<string> Models { get; init; } = ["deberta-base", "deberta-v3-base"];
    public IReadOnlyList<string> Routes { get; init; } = [.. AllRoutes];
    public IReadOnlyList<int> Batches { get; init; } = [1, 8, 32];
    public IReadOnlyList<int> Seqs { get; init; } = [128, 512];
    public double Seconds { get; init; } = 10;
    public int Rounds { get; init; } = 3;
    public double TrainSeconds { get; init; } = 60;
    public int ScoringRows { get; init; } = 1000;
    public string Anchor { get; init; } = Path.GetFullPath("../shared/bench/ort-anchor");
    public string Work { get; init; } = Path.GetFullPath("artifacts/bench");

    /// <summary>Every inference route; ort-fp32 is the anchor of the ratio lines.</summary>
    public static readonly string[] AllRoutes = ["fp32", "fp32-plain", "fp32-onednn", "bf16", "ort-fp32", "ort-export-fp32", "ort-int8", "ort-fp16"];

    public const string Usage =
        "usage: bench [--models deberta-base,deberta-v3-base] [--routes fp32,fp32-plain,fp32-onednn,bf16,ort-fp32,ort-export-fp32,ort-int8,ort-fp16] [--batches 1,8,32] [--seqs 128,512] [--seconds 10] [--rounds 3]\n" +
        "             [--train-seconds 60 (0: skip)] [--scoring-rows 1000 (0: skip)] [--anchor DIR] [--work DIR]";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            string value = args[i + 1];
            options = args[i] switch
            {
                "--models" => options with { Models = List(value, args[i], Model) },
                "--routes" => options with { Routes = List(value, args[i], Route) },
                "--batches" => options with { Batches = List(value, args[i], Positive) },
                "--seqs" => options with { Seqs = List(value, args[i], Positive) },
                "--seconds" => options with { Seconds = Number(value, args[i]) },
                "--rounds" => options with { Rounds = Positive(value, args[i]) },
                "--train-seconds" => options with { TrainSeconds = Number(value, args[i]) },
                "--scoring-rows" => options with { ScoringRows = int.Parse(value, CultureInfo.InvariantCulture) },
                "--anchor" => options with { Anchor = Path.GetFullPath(value) },
                "--work" => options with { Work = Path.GetFullPath(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}.\n{Usage}"),
            };
        }
        if (!Directory.Exists(Path.Combine(options.Anchor, "graphs")))
            throw new DirectoryNotFoundException($"the ONNX Runtime anchor '{options.Anchor}' has no graphs/ folder; pass --anchor DIR (shared/bench/ort-anchor).");
        return options;
    }

    private static List<T> List<T>(string value, string name, Func<string, string, T> parse) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => parse(v, name))];

    private static string Model(string value, string name) => value is "deberta-base" or "deberta-v3-base"
        ? value : throw new ArgumentException($"{name}: '{value}' is not deberta-base or deberta-v3-base.");

    private static string Route(string value, string name) => AllRoutes.Contains(value)
        ? value : throw new ArgumentException($"{name}: '{value}' is not one of {string.Join(", ", AllRoutes)}.");

    private static int Positive(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"{name}: '{value}' is not a positive whole number.");

    private static double Number(string value, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x >= 0
            ? x : throw new ArgumentException($"{name}: '{value}' is not a number of seconds.");
}
