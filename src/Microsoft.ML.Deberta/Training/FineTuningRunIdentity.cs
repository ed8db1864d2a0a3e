using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// What a training checkpoint must share with the run that resumes from it: the model's shape, the data size and every
/// setting that decides the steps (seed, batch size, epochs, the recipe, early stopping, whether there is validation,
/// the training precision, and for masked-LM training the masking). A checkpoint written before the precision was
/// recorded reads as Float32, the only precision there was.
/// A checkpoint of another run would resume into different steps, so it is refused, naming what differs.
/// </summary>
internal sealed record FineTuningRunIdentity(
    string ModelShape, long ModelValues, int Examples, int Seed, int BatchSize, int Epochs, double LearningRate,
    double WarmupRatio, double WeightDecay, double MaxGradNorm, int EarlyStoppingPatience, double EarlyStoppingMinDelta,
    bool HasValidation, string Masking = "", DebertaPrecision TrainingPrecision = DebertaPrecision.Float32)
{
    /// <summary>The identity of a run of <paramref name="model"/> over <paramref name="examples"/> training examples.</summary>
    public static FineTuningRunIdentity Of(SequenceClassificationTrainingOptions options, torch.nn.Module model, int examples, bool hasValidation)
    {
        var (shape, values) = ShapeOf(model);
        return new FineTuningRunIdentity(shape, values, examples, options.Seed, options.BatchSize, options.Epochs, options.LearningRate,
            options.WarmupRatio, options.WeightDecay, options.MaxGradNorm, options.EarlyStoppingPatience, options.EarlyStoppingMinDelta,
            hasValidation, TrainingPrecision: options.TrainingPrecision);
    }

    /// <summary>The identity of a masked-LM run (no early stopping; the masking decides the draws).</summary>
    public static FineTuningRunIdentity Of(MaskedLMTrainingOptions options, torch.nn.Module model, int examples, bool hasValidation)
    {
        var (shape, values) = ShapeOf(model);
        return new FineTuningRunIdentity(shape, values, examples, options.Seed, options.BatchSize, options.Epochs, options.LearningRate,
            options.WarmupRatio, options.WeightDecay, options.MaxGradNorm, 0, 0, hasValidation,
            string.Create(CultureInfo.InvariantCulture, $"probability {options.MaskProbability}, whole words {options.WholeWordMasking}"));
    }

    // Parameter names and shapes, hashed (a short stable fingerprint), and the number of values.
    private static (string Hash, long Values) ShapeOf(torch.nn.Module model)
    {
        var shape = new StringBuilder();
        long values = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            shape.Append(name).Append(':').AppendJoin(',', parameter.shape).Append(';');
            values += parameter.numel();
        }
        return (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(shape.ToString())))[..16], values);
    }

    /// <summary>What differs from <paramref name="here"/>, one "what: there … here …" phrase each; empty when the runs match.</summary>
    public IEnumerable<string> DifferencesFrom(FineTuningRunIdentity here)
    {
        (string What, object There, object Here)[] fields =
        [
            ("model shape (parameter names and shapes, hashed)", ModelShape, here.ModelShape),
            ("model size (values)", ModelValues, here.ModelValues),
            ("training examples", Examples, here.Examples),
            ("seed", Seed, here.Seed),
            ("batch size", BatchSize, here.BatchSize),
            ("epochs", Epochs, here.Epochs),
            ("learning rate", LearningRate, here.LearningRate),
            ("warm-up ratio", WarmupRatio, here.WarmupRatio),
            ("weight decay", WeightDecay, here.WeightDecay),
            ("gradient clipping norm", MaxGradNorm, here.MaxGradNorm),
            ("early-stopping patience", EarlyStoppingPatience, here.EarlyStoppingPatience),
            ("early-stopping minimum delta", EarlyStoppingMinDelta, here.EarlyStoppingMinDelta),
            ("validation set", HasValidation ? "given" : "none", here.HasValidation ? "given" : "none"),
            ("masking", Masking, here.Masking),
            ("training precision", TrainingPrecision, here.TrainingPrecision),
        ];
        return fields.Where(f => !f.There.Equals(f.Here))
            .Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.What}: {f.There} in the checkpoint, {f.Here} in this run"));
    }
}
