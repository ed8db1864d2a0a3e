using System.Globalization;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// The fine-tuning run of the resumable-training kill test: a tiny classifier on a seeded toy task (2 epochs × 8 steps,
/// a validation set), a checkpoint every 3 steps, and a pause after each step so that a kill lands mid-epoch. Prints
/// the loop's log (the "Saved checkpoint" and "Resumed from step" lines) as it goes, and at the end writes every
/// parameter's float bits and every epoch's loss and metric bits to the output file.
/// </summary>
internal static class ResumableTrainingRun
{
    public const int CheckpointEverySteps = 3;

    public static int Run(string checkpointFolder, string outputPath, int stepDelayMilliseconds)
    {
        var config = new DebertaConfig(DebertaVersion.V2)
        {
            VocabSize = 40, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 32,
            MaxPositionEmbeddings = 64, RelativeAttention = true, PositionBiasedInput = false, PosAttType = ["p2c", "c2p"], PositionBuckets = 8,
            NumLabels = 2,
        };
        using var model = new DebertaForSequenceClassification(config, 1);
        var (train, targets) = Examples(64, seed: 11);
        var (validation, validationTargets) = Examples(16, seed: 12);
        var options = new SequenceClassificationTrainingOptions
        {
            BatchSize = 8, Epochs = 2, LearningRate = 5e-3, Seed = 7, ProgressInterval = 1,
            CheckpointFolder = checkpointFolder == "-" ? null : checkpointFolder, CheckpointEverySteps = CheckpointEverySteps,
        };
        var result = new SequenceClassificationTrainer(options).Train(model, train, targets, validation, validationTargets,
            new PausingProgress(stepDelayMilliseconds), line => Console.Out.WriteLine(line));

        var lines = model.named_parameters().Select(p =>
            p.name + " " + string.Join(",", p.parameter.detach().cpu().data<float>().ToArray().Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))));
        lines = lines.Concat(result.Epochs.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"epoch {e.Epoch} loss {BitConverter.DoubleToInt64Bits(e.TrainingLoss):x16} metric {BitConverter.DoubleToInt64Bits(e.ValidationMetric ?? double.NaN):x16}")));
        File.WriteAllLines(outputPath, lines.Append($"best {result.BestEpoch}"));
        return 0;
    }

    // Sequences of filler tokens with a class marker (5 or 6) after [CLS] and at one random place.
    private static (List<EncodedExample>, List<float>) Examples(int rows, int seed)
    {
        var random = new Random(seed);
        var examples = new List<EncodedExample>();
        var targets = new List<float>();
        for (int row = 0; row < rows; row++)
        {
            int label = random.Next(2);
            var ids = new int[random.Next(4, 14)];
            ids[0] = 1;
            ids[^1] = 2;
            for (int i = 1; i < ids.Length - 1; i++) ids[i] = random.Next(10, 40);
            ids[1] = 5 + label;
            ids[random.Next(1, ids.Length - 1)] = 5 + label;
            examples.Add(new EncodedExample(ids, new int[ids.Length], row));
            targets.Add(label);
        }
        return (examples, targets);
    }

    private sealed class PausingProgress(int milliseconds) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => Thread.Sleep(milliseconds);
    }
}
