using System.Globalization;
using Microsoft.ML.Deberta.AutoML;

namespace Microsoft.ML.Deberta.Samples.AutoML;

/// <summary>
/// The command line, after the ML.NET CLI (<c>mlnet classification --dataset … --label-col … --train-time …</c>):
/// a verb (<c>classification</c> or <c>regression</c>) and flags. Without a verb the flags apply to the default run,
/// a short sweep on the bundled Yelp sentences.
/// </summary>
internal sealed class SampleArguments
{
    public const string Usage = """
        Usage: AutoML [classification|regression] [flags]      (no verb: a ~3-minute sweep on the bundled Yelp data)
          --dataset <file>             training data: tab- or comma-separated, one row per line
          --validation-dataset <file>  validation rows (default: 20% of --dataset)
          --test-dataset <file>        rows to score the best model on; prints "test <metric>: <value>"
          --label-col <name|index>     the label column (default: 1)
          --text-col <name|index>      the text column (default: 0)
          --text-pair-col <name|index> a second text column (pair classification)
          --has-header <true|false>    whether the first line names the columns (default: false)
          --train-time <seconds>       time budget (default: 180)
          --max-trials <count>         trial budget (default: none)
          --model <size|folder>[,…]    from-scratch sizes (scratch-tiny, scratch-mini, scratch-small) or checkpoint folders
          --tokenizer <folder>         tokenizer of the from-scratch models (default: the bundled DeBERTa-v1 one)
          --tuner <cfo|random|grid>    search strategy (default: cfo)
          --metric <name>              e.g. accuracy, macro-f1, auc, log-loss, rmse (default: accuracy / rmse)
          --output <folder>            where model.zip goes (default: ./AutoML-output)
          --pruning <true|false>       stop poor trials early by successive halving over epochs (default: true)
          --checkpoint <folder>        keep every trial in <folder>/trials.db (SQLite); rerun to resume a killed sweep
          --seed <n>                   seed of the split, the tuner and the training (default: 1)
        """;

    public bool IsDefaultRun { get; private set; } = true;
    public TextAutoMLTask Task { get; private set; } = TextAutoMLTask.BinaryClassification;
    public string? Dataset { get; private set; }
    public string? ValidationDataset { get; private set; }
    public string? TestDataset { get; private set; }
    public string LabelColumn { get; private set; } = "1";
    public string TextColumn { get; private set; } = "0";
    public string? TextPairColumn { get; private set; }
    public bool HasHeader { get; private set; }
    public double TrainTimeSeconds { get; private set; } = 180;
    public int? MaxTrials { get; private set; }
    public IReadOnlyList<string> Models { get; private set; } = ScratchModelSizes.All;
    public string? TokenizerFolder { get; private set; }
    public TunerKind Tuner { get; private set; } = TunerKind.CostFrugal;
    public TextAutoMLMetric? Metric { get; private set; }
    public string Output { get; private set; } = "AutoML-output";
    public string? Checkpoint { get; private set; }
    public bool Pruning { get; private set; } = true;
    public int Seed { get; private set; } = 1;
    public bool ShowHelp { get; private set; }

    /// <exception cref="ArgumentException">An unknown verb or flag, or a flag without its value.</exception>
    public static SampleArguments Parse(IReadOnlyList<string> args)
    {
        var a = new SampleArguments();
        int i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            a.Task = args[0] switch
            {
                "classification" => TextAutoMLTask.MulticlassClassification,
                "regression" => TextAutoMLTask.Regression,
                _ => throw new ArgumentException($"Unknown verb '{args[0]}': use classification or regression (or no verb for the default run)."),
            };
            a.IsDefaultRun = false;
            i = 1;
        }
        for (; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help") { a.ShowHelp = true; continue; }
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--") ? args[++i] : throw new ArgumentException($"{flag} needs a value.");
            switch (flag)
            {
                case "--dataset": a.Dataset = Value(); break;
                case "--validation-dataset": a.ValidationDataset = Value(); break;
                case "--test-dataset": a.TestDataset = Value(); break;
                case "--label-col": a.LabelColumn = Value(); break;
                case "--text-col": a.TextColumn = Value(); break;
                case "--text-pair-col": a.TextPairColumn = Value(); break;
                case "--has-header": a.HasHeader = bool.TryParse(Value(), out var h) ? h : throw new ArgumentException("--has-header takes true or false."); break;
                case "--train-time": a.TrainTimeSeconds = Positive(flag, Value()); break;
                case "--max-trials": a.MaxTrials = (int)Positive(flag, Value()); break;
                case "--model": a.Models = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--tokenizer": a.TokenizerFolder = Value(); break;
                case "--tuner": a.Tuner = ParseTuner(Value()); break;
                case "--metric": a.Metric = ParseMetric(Value()); break;
                case "--output": a.Output = Value(); break;
                case "--checkpoint": a.Checkpoint = Value(); break;
                case "--pruning": a.Pruning = bool.TryParse(Value(), out var pr) ? pr : throw new ArgumentException("--pruning takes true or false."); break;
                case "--seed": a.Seed = int.TryParse(Value(), CultureInfo.InvariantCulture, out var s) ? s : throw new ArgumentException("--seed takes an integer."); break;
                default: throw new ArgumentException($"Unknown flag '{flag}'. Run with --help for the flags.");
            }
        }
        if (a.TextPairColumn is not null && a.Task != TextAutoMLTask.Regression)
            a.Task = TextAutoMLTask.TextPairClassification;
        if (!a.IsDefaultRun && a.Dataset is null && !a.ShowHelp)
            throw new ArgumentException($"The {args[0]} verb needs --dataset <file>.");
        return a;
    }

    private static double Positive(string flag, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v
            : throw new ArgumentException($"{flag} takes a positive number, not '{text}'.");

    private static TunerKind ParseTuner(string text) => text.ToLowerInvariant() switch
    {
        "cfo" or "costfrugal" => TunerKind.CostFrugal,
        "random" => TunerKind.Random,
        "grid" => TunerKind.Grid,
        _ => throw new ArgumentException($"Unknown tuner '{text}': use cfo, random or grid."),
    };

    private static TextAutoMLMetric ParseMetric(string text) => text.ToLowerInvariant().Replace("-", "").Replace("_", "") switch
    {
        "accuracy" => TextAutoMLMetric.Accuracy,
        "macroaccuracy" => TextAutoMLMetric.MacroAccuracy,
        "macrof1" or "f1" => TextAutoMLMetric.MacroF1,
        "auc" or "areaunderroccurve" => TextAutoMLMetric.AreaUnderRocCurve,
        "logloss" => TextAutoMLMetric.LogLoss,
        "rmse" or "rootmeansquarederror" => TextAutoMLMetric.RootMeanSquaredError,
        "mae" or "meanabsoluteerror" => TextAutoMLMetric.MeanAbsoluteError,
        "rsquared" or "r2" => TextAutoMLMetric.RSquared,
        _ => throw new ArgumentException($"Unknown metric '{text}': use accuracy, macro-accuracy, macro-f1, auc, log-loss, rmse, mae or r-squared."),
    };
}
