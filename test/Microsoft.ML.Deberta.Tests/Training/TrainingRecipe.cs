using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// The recipe of one golden training run, read from its <c>train_golden.json</c>: the "recipe" sentence transformers'
/// script wrote (optimizer, decay groups, schedule, clipping, which rows each step uses) and the per-step references.
/// A recipe that says something this parser does not recognise is an error naming the part, never a guess.
/// </summary>
internal sealed partial record TrainingRecipe(
    double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay,
    int WarmupSteps, int TotalSteps, double MaxGradNorm,
    (int First, int Last) EvenStepRows, (int First, int Last) OddStepRows,
    double[] Losses, double[] LearningRates, double[] GradientNorms)
{
    public int Steps => Losses.Length;

    [GeneratedRegex(@"AdamW lr=(?<lr>[0-9.eE+-]+) betas=\((?<b1>[0-9.eE+-]+),\s*(?<b2>[0-9.eE+-]+)\) eps=(?<eps>[0-9.eE+-]+)")]
    private static partial Regex Optimizer();

    [GeneratedRegex(@"weight_decay (?<wd>[0-9.eE+-]+) except names containing 'bias' or 'LayerNorm'")]
    private static partial Regex Decay();

    [GeneratedRegex(@"linear warmup (?<warmup>\d+) steps then linear decay to 0 at step (?<total>\d+)")]
    private static partial Regex Schedule();

    [GeneratedRegex(@"clip_grad_norm (?<clip>[0-9.eE+-]+)")]
    private static partial Regex Clipping();

    [GeneratedRegex(@"step k uses rows (?<e0>\d+)-(?<e1>\d+) when k is even, rows (?<o0>\d+)-(?<o1>\d+) when odd")]
    private static partial Regex Rows();

    [GeneratedRegex(@"dropout 0(?![.0-9]*[1-9])")]
    private static partial Regex NoDropout();

    /// <summary>Reads <c>train_golden.json</c>; throws <see cref="InvalidDataException"/> naming what is missing.</summary>
    public static TrainingRecipe Read(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = json.RootElement;
        if (!root.TryGetProperty("recipe", out JsonElement recipeElement) || recipeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{path}: no \"recipe\" string.");
        string recipe = recipeElement.GetString()!;
        Match optimizer = Require(Optimizer(), recipe, path, "AdamW lr=… betas=(…,…) eps=…");
        Match decay = Require(Decay(), recipe, path, "weight_decay … except names containing 'bias' or 'LayerNorm'");
        Match schedule = Require(Schedule(), recipe, path, "linear warmup N steps then linear decay to 0 at step M");
        Match clip = Require(Clipping(), recipe, path, "clip_grad_norm …");
        Match rows = Require(Rows(), recipe, path, "step k uses rows a-b when k is even, rows c-d when odd");
        Require(NoDropout(), recipe, path, "dropout 0");

        double[] losses = Numbers(root, "losses", path), lrs = Numbers(root, "lrs", path), norms = Numbers(root, "grad_norms", path);
        if (losses.Length == 0 || lrs.Length != losses.Length || norms.Length != losses.Length)
            throw new InvalidDataException($"{path}: losses ({losses.Length}), lrs ({lrs.Length}) and grad_norms ({norms.Length}) must have one entry per step.");
        return new TrainingRecipe(
            Number(optimizer, "lr"), Number(optimizer, "b1"), Number(optimizer, "b2"), Number(optimizer, "eps"), Number(decay, "wd"),
            (int)Number(schedule, "warmup"), (int)Number(schedule, "total"), Number(clip, "clip"),
            ((int)Number(rows, "e0"), (int)Number(rows, "e1")), ((int)Number(rows, "o0"), (int)Number(rows, "o1")),
            losses, lrs, norms);
    }

    /// <summary>The first row and row count step <paramref name="step"/> trains on.</summary>
    public (long Start, long Count) RowsOf(int step)
    {
        var (first, last) = step % 2 == 0 ? EvenStepRows : OddStepRows;
        return (first, last - first + 1);
    }

    private static Match Require(Regex pattern, string recipe, string path, string what)
    {
        Match match = pattern.Match(recipe);
        if (!match.Success)
            throw new InvalidDataException($"{path}: the recipe does not state \"{what}\" in the form this test reads; recipe: {recipe}");
        return match;
    }

    private static double Number(Match match, string group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static double[] Numbers(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out JsonElement array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.GetDouble()).ToArray()
            : throw new InvalidDataException($"{path}: no \"{name}\" array.");
}
