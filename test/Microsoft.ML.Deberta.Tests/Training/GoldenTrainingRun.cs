using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// One <c>training/&lt;run&gt;/</c> folder of a golden root (config.json, model.safetensors, train_golden.json,
/// train_golden.safetensors) replayed through <see cref="FineTuningOptimizer"/> and the model's own loss. The model
/// class comes from config.json (<c>architectures</c>, v1 or v2/v3 alike); the recipe from train_golden.json.
/// Replayed in float32 every step is checked against transformers; replayed with bfloat16 compute
/// (<see cref="DebertaModel.AutocastPrecision"/>) the losses are only recorded, for the caller to bound.
/// </summary>
internal sealed class GoldenTrainingRun
{
    public static readonly string[] RequiredFiles = ["config.json", "model.safetensors", "train_golden.json", "train_golden.safetensors"];

    // The stored parameters are weights the recipe decays; over 30 steps weight decay moves them by only ~4e-5, so
    // 1e-4 could not tell whether decay is applied. v1 agrees to ~5e-8; 2e-6 leaves room for other CPUs' rounding.
    private const double FinalParameterTolerance = 2e-6;
    private const double LossTolerance = 1e-4, GradientNormTolerance = 1e-4;

    public required string Name { get; init; }
    public DebertaPrecision Precision { get; init; }
    public int Steps { get; private set; }
    public List<double> Losses { get; } = [];
    public double MaxLossDelta { get; private set; }
    public double MaxGradientNormRelativeDelta { get; private set; }
    public double MaxParameterDelta { get; private set; }
    public int FinalTensors { get; private set; }
    public List<string> Failures { get; } = [];

    public string Summary =>
        $"training {Name}: {Steps} steps, max |Δloss| {MaxLossDelta:E3}, max rel |Δgrad norm| {MaxGradientNormRelativeDelta:E3}, max |Δparam| {MaxParameterDelta:E3}";

    /// <summary>Replays the run in <paramref name="folder"/>; problems are collected in <see cref="Failures"/>.</summary>
    public static GoldenTrainingRun Replay(string folder, DebertaPrecision precision = DebertaPrecision.Float32)
    {
        var run = new GoldenTrainingRun { Name = Path.GetFileName(folder), Precision = precision };
        string[] missing = RequiredFiles.Where(f => !File.Exists(Path.Combine(folder, f))).ToArray();
        if (missing.Length > 0)
        {
            run.Failures.Add($"training {run.Name}: missing {string.Join(", ", missing)}");
            return run;
        }
        TrainingRecipe recipe = TrainingRecipe.Read(Path.Combine(folder, "train_golden.json"));
        var reference = SafeTensorsFile.Read(Path.Combine(folder, "train_golden.safetensors"));
        try
        {
            using DebertaPreTrainedModel loaded = DebertaCheckpoint.Load(folder);
            if (loaded is not DebertaForSequenceClassification model)
            {
                run.Failures.Add($"training {run.Name}: config.json names {loaded.HuggingFaceClassName}; train_golden.* runs are sequence classification");
                return run;
            }
            if (model.Config.HiddenDropoutProb != 0 || model.Config.AttentionProbsDropoutProb != 0)
                run.Failures.Add($"training {run.Name}: the recipe trains without dropout but config.json has dropout");
            model.Backbone.AutocastPrecision = precision;
            run.Train(model, recipe, reference);
            if (precision == DebertaPrecision.Float32)
                run.CompareFinalParameters(model, reference);
            else if (model.parameters().FirstOrDefault(p => p.dtype != ScalarType.Float32) is { } changed)
                run.Failures.Add($"training {run.Name}: a parameter became {changed.dtype}; the master weights must stay float32");
        }
        finally
        {
            foreach (var tensor in reference.Values) tensor.Dispose();
        }
        return run;
    }

    private void Train(DebertaForSequenceClassification model, TrainingRecipe recipe, IReadOnlyDictionary<string, Tensor> reference)
    {
        model.train();
        var schedule = new LinearWarmupDecaySchedule(recipe.LearningRate, recipe.WarmupSteps, recipe.TotalSteps);
        using var optimizer = new FineTuningOptimizer(model.named_parameters(), schedule,
            weightDecay: recipe.WeightDecay, maxGradNorm: recipe.MaxGradNorm, beta1: recipe.Beta1, beta2: recipe.Beta2, epsilon: recipe.Epsilon);
        Tensor ids = reference["input.input_ids"], mask = reference["input.attention_mask"], labels = reference["input.labels"];
        Tensor? types = reference.TryGetValue("input.token_type_ids", out var t) ? t : null;
        Steps = recipe.Steps;
        for (int step = 0; step < recipe.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (start, count) = recipe.RowsOf(step);
            optimizer.ZeroGrad();
            var output = model.Forward(ids.narrow(0, start, count), mask.narrow(0, start, count),
                tokenTypeIds: types?.narrow(0, start, count), labels: labels.narrow(0, start, count));
            output.Loss!.backward();
            double loss = output.Loss.item<float>();
            var result = optimizer.Step();

            Losses.Add(loss);
            double lossDelta = Math.Abs(loss - recipe.Losses[step]);
            MaxLossDelta = Math.Max(MaxLossDelta, lossDelta);
            double normRelative = Math.Abs(result.GradientNorm - recipe.GradientNorms[step]) / recipe.GradientNorms[step];
            MaxGradientNormRelativeDelta = Math.Max(MaxGradientNormRelativeDelta, normRelative);
            if (result.LearningRate != recipe.LearningRates[step])
                Failures.Add($"training {Name} step {step}: learning rate {result.LearningRate:R} vs {recipe.LearningRates[step]:R}");
            if (Precision != DebertaPrecision.Float32)
                continue;
            if (lossDelta > LossTolerance * Math.Max(1, Math.Abs(recipe.Losses[step])))
                Failures.Add($"training {Name} step {step}: loss {loss:R} vs {recipe.Losses[step]:R}");
            if (normRelative > GradientNormTolerance)
                Failures.Add($"training {Name} step {step}: gradient norm {result.GradientNorm:R} vs {recipe.GradientNorms[step]:R}");
        }
        if (optimizer.StepsTaken != recipe.Steps)
            Failures.Add($"training {Name}: the optimizer took {optimizer.StepsTaken} steps, the reference {recipe.Steps}");
    }

    private void CompareFinalParameters(DebertaForSequenceClassification model, IReadOnlyDictionary<string, Tensor> reference)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var finalKeys = reference.Keys.Where(k => k.StartsWith("final.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        FinalTensors = finalKeys.Count;
        if (finalKeys.Count == 0)
            Failures.Add($"training {Name}: train_golden.safetensors stores no final.* parameters");
        foreach (string key in finalKeys)
        {
            using var scope = NewDisposeScope();
            string name = key["final.".Length..];
            if (!parameters.TryGetValue(name, out var ours))
            {
                Failures.Add($"training {Name}: the model has no parameter '{name}'");
                continue;
            }
            var expected = reference[key].to_type(ScalarType.Float64);
            var difference = (ours.detach().to_type(ScalarType.Float64) - expected).abs();
            double delta = difference.max().item<double>();
            double relative = (difference / expected.abs().clamp_min(1.0)).max().item<double>();
            MaxParameterDelta = Math.Max(MaxParameterDelta, delta);
            if (relative > FinalParameterTolerance)
                Failures.Add($"training {Name} {name}: max |Δ| {delta:E3} exceeds {FinalParameterTolerance:E0}·max(1,|ref|)");
        }
    }
}
