using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// Resumable fine-tuning (<see cref="SequenceClassificationTrainingOptions.CheckpointFolder"/>, in the loop every
/// trainer shares, and the masked-LM run): a run interrupted after a checkpoint — cancelled, stopped on request, or a
/// child process killed mid-epoch several times — resumes to the very weights and epoch summaries of a run that was
/// never interrupted;
/// checkpoints of another run, damaged ones and bad settings are refused with a message naming them.
/// </summary>
[TestClass]
public sealed class ResumableTrainingTests
{
    private static SequenceClassificationTrainingOptions Options(string? folder, int everySteps = 3, int patience = 0) => new()
    {
        BatchSize = 8, Epochs = 3, LearningRate = 5e-3, WarmupRatio = 0.1, Seed = 7, ProgressInterval = 1,
        CheckpointFolder = folder, CheckpointEverySteps = everySteps, EarlyStoppingPatience = patience,
    };

    [TestMethod]
    public void ARunCancelledAfterACheckpointResumesToTheUninterruptedRunsWeights()
    {
        var (train, targets) = ToyTask.Classification(32, seed: 21);   // 4 steps an epoch, 12 in all
        var (valid, validTargets) = ToyTask.Classification(16, seed: 22);
        using var reference = ToyTask.Model();
        // Patience 1: whether epoch 2 or 3 stops early depends on the counters the checkpoint carries.
        var expected = new SequenceClassificationTrainer(Options(null, patience: 1)).Train(reference, train, targets, valid, validTargets);
        var expectedWeights = ToyTask.Weights(reference);
        using var folder = new TemporaryDirectory();
        var trainer = new SequenceClassificationTrainer(Options(folder.Path, patience: 1));
        try
        {
            using (var interrupted = ToyTask.Model())
            using (var cancel = new CancellationTokenSource())
            {
                var cancelAtStep7 = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 7) cancel.Cancel(); });
                Assert.ThrowsExactly<OperationCanceledException>(() =>
                    trainer.Train(interrupted, train, targets, valid, validTargets, cancelAtStep7, cancellationToken: cancel.Token));
            }
            // What a kill while saving leaves: a partial folder, which is never read (and is deleted by the next save).
            var partial = Directory.CreateDirectory(Path.Combine(folder.Path, ".partial-checkpoint-000009-killed"));
            File.WriteAllText(Path.Combine(partial.FullName, "state.json"), "{ \"Epoch\": ");

            using var resumed = ToyTask.Model();
            var reports = new List<TrainingProgress>();
            var log = new List<string>();
            var result = trainer.Train(resumed, train, targets, valid, validTargets, new SynchronousProgress<TrainingProgress>(reports.Add), log.Add);

            double maxDelta = MaxAbsDifference(resumed, expectedWeights);
            Console.WriteLine($"cancelled at step 7, resumed from step 6: max |delta| = {maxDelta} over {Values(resumed)} parameter values; " +
                $"epochs {result.Epochs.Count}, best {result.BestEpoch}, stopped early {result.StoppedEarly}");
            Assert.AreEqual(0.0, maxDelta, "bit for bit");
            AssertSameEpochs(expected, result);
            Assert.IsTrue(log.Any(l => l.StartsWith("Resumed from step 6 of epoch 2/3 (batch 3 of 4 next)", StringComparison.Ordinal)), string.Join("\n", log));
            Assert.AreEqual(7, reports.Min(r => r.Step), "the first report after the resume is step 7's");
            Assert.IsTrue(reports.All(r => r.ResumedFromStep == 6));
            Assert.IsFalse(Directory.Exists(partial.FullName), "the next save deleted the partial folder");

            // The finished run's folder holds its final checkpoint: nothing is left to train, and the result is the same.
            using var again = ToyTask.Model();
            var rerunLog = new List<string>();
            var rerun = trainer.Train(again, train, targets, valid, validTargets, log: rerunLog.Add);
            Assert.AreEqual(0.0, MaxAbsDifference(again, expectedWeights));
            AssertSameEpochs(expected, rerun);
            StringAssert.Contains(rerunLog[0], "already ended");
        }
        finally
        {
            ToyTask.Dispose(expectedWeights);
        }
    }

    [TestMethod]
    public void ARunStoppedOnRequestSavesWhereItStoppedAndResumesFromThere()
    {
        var (train, targets) = ToyTask.Classification(32, seed: 23);   // 4 steps an epoch, 12 in all; no validation
        using var reference = ToyTask.Model();
        var expected = new SequenceClassificationTrainer(Options(null)).Train(reference, train, targets);
        var expectedWeights = ToyTask.Weights(reference);
        using var folder = new TemporaryDirectory();
        var trainer = new SequenceClassificationTrainer(Options(folder.Path, everySteps: 100));   // only the epoch ends and the stop
        var options = Options(folder.Path, everySteps: 100);
        try
        {
            using (var stopped = ToyTask.Model())
            using (var stop = new CancellationTokenSource())
            {
                options.StopToken = stop.Token;
                var stopAtStep6 = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 6) stop.Cancel(); });
                Assert.IsTrue(new SequenceClassificationTrainer(options).Train(stopped, train, targets, progress: stopAtStep6).StoppedOnRequest);
            }
            using var resumed = ToyTask.Model();
            var log = new List<string>();
            var result = trainer.Train(resumed, train, targets, log: log.Add);

            Assert.AreEqual(0.0, MaxAbsDifference(resumed, expectedWeights));
            AssertSameEpochs(expected, result);
            Assert.IsTrue(log.Any(l => l.StartsWith("Resumed from step 6 of epoch 2/3", StringComparison.Ordinal)), string.Join("\n", log));
        }
        finally
        {
            ToyTask.Dispose(expectedWeights);
        }
    }

    [TestMethod]
    public void AChildProcessKilledMidEpochTwiceResumesToTheUninterruptedRunsWeights()
    {
        using var folder = new TemporaryDirectory();
        var checkpoints = Path.Combine(folder.Path, "checkpoints");
        var referencePath = folder.File("uninterrupted.txt");
        var finalPath = folder.File("resumed.txt");
        var timeout = TimeSpan.FromMinutes(2);
        var uninterrupted = ChildProcess.Run(["train-resumable", "-", referencePath, "0"], timeout);
        Assert.AreEqual(0, uninterrupted.ExitCode, uninterrupted.Output);

        // 8 steps an epoch, a checkpoint every 3: kill just after the checkpoints at steps 3 and 12 (mid-epoch 1 and 2),
        // while the child is in its next step (it pauses 40 ms a step).
        int[] killAfter = [3, 12];
        int previous = 0;
        var resumedAt = new List<int>();
        foreach (var step in killAfter)
        {
            var (run, killed) = ChildProcess.RunUntil(["train-resumable", checkpoints, finalPath, "40"], line => SavedStep(line) >= step, timeout);
            Assert.IsTrue(killed, $"the child ended before its checkpoint at step {step}:\n{run.Output}");
            Assert.IsFalse(File.Exists(finalPath), run.Output);
            if (previous > 0)
                resumedAt.Add(ResumedStep(run.Output));
            if (previous > 0)
                Assert.IsTrue(ResumedStep(run.Output) >= previous, $"resumed at step {ResumedStep(run.Output)}, expected at least {previous}:\n{run.Output}");
            previous = step;
        }
        var last = ChildProcess.Run(["train-resumable", checkpoints, finalPath, "0"], timeout);
        Assert.AreEqual(0, last.ExitCode, last.Output);
        Assert.IsTrue(ResumedStep(last.Output) >= killAfter[^1], last.Output);
        resumedAt.Add(ResumedStep(last.Output));

        var expected = File.ReadAllLines(referencePath);
        var actual = File.ReadAllLines(finalPath);
        Assert.HasCount(expected.Length, actual);
        double maxDelta = 0;
        long values = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!IsParameterLine(expected[i]))
            {
                Assert.AreEqual(expected[i], actual[i], "epoch summaries and the best epoch are identical");
                continue;
            }
            var (a, b) = (Floats(expected[i]), Floats(actual[i]));
            Assert.HasCount(a.Length, b);
            values += a.Length;
            for (int j = 0; j < a.Length; j++)
                maxDelta = Math.Max(maxDelta, Math.Abs(a[j] - b[j]));
        }
        Console.WriteLine($"kill test: {killAfter.Length} kills survived (resumed from steps {string.Join(", ", resumedAt)} of 16), " +
            $"max |delta| = {maxDelta} over {values} parameter values");
        Assert.AreEqual(0.0, maxDelta, "bit for bit");
    }

    [TestMethod]
    public void AMaskedLMRunCancelledMidEpochResumesToTheUninterruptedRunsWeights()
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder);
        var sentences = LanguageModelingMaskerTests.YelpSentences();
        var train = LanguageModelingExamples.Build(tokenizer.EncodeBatch(sentences.Take(40).ToList()), 32, groupTexts: true);
        var heldOut = LanguageModelingExamples.Build(tokenizer.EncodeBatch(sentences.TakeLast(12).ToList()), 32, groupTexts: false);
        int stepsPerEpoch = (train.Count + 3) / 4;
        Assert.IsGreaterThanOrEqualTo(4, stepsPerEpoch, "room for a checkpoint within an epoch");
        static DebertaForMaskedLM Model()
        {
            var config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2);
            config.Legacy = false;
            return new DebertaForMaskedLM(config, seed: 2);
        }
        MaskedLMTrainingOptions Options(string? folder) => new()
        {
            BatchSize = 4, Epochs = 2, LearningRate = 1e-3, Seed = 4, ProgressInterval = 1, CheckpointFolder = folder, CheckpointEverySteps = 2,
        };
        TrainingResult Train(DebertaForMaskedLM model, string? folder, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default) =>
            new MaskedLMTrainer(Options(folder)).Train(model, tokenizer.MaskTokenId, tokenizer.VocabularySize, train, heldOut, progress, cancellationToken: cancel);

        using var reference = Model();
        var expected = Train(reference, null);
        var expectedWeights = ToyTask.Weights(reference);
        using var folder = new TemporaryDirectory();
        try
        {
            // Cancelled after the third step of epoch 2: the masks of every earlier batch were drawn from the one seeded generator.
            int cancelAt = stepsPerEpoch + 3;
            using (var interrupted = Model())
            using (var cancel = new CancellationTokenSource())
            {
                var progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == cancelAt) cancel.Cancel(); });
                Assert.ThrowsExactly<OperationCanceledException>(() => Train(interrupted, folder.Path, progress, cancel.Token));
            }
            using var resumed = Model();
            var reports = new List<TrainingProgress>();
            var result = Train(resumed, folder.Path, new SynchronousProgress<TrainingProgress>(reports.Add));

            double maxDelta = MaxAbsDifference(resumed, expectedWeights);
            Console.WriteLine($"masked LM cancelled at step {cancelAt} of {2 * stepsPerEpoch}, resumed from step {reports[0].ResumedFromStep}: " +
                $"max |delta| = {maxDelta} over {Values(resumed)} parameter values");
            Assert.IsTrue(reports[0].ResumedFromStep > stepsPerEpoch && reports[0].ResumedFromStep <= cancelAt, $"resumed from {reports[0].ResumedFromStep}");
            Assert.AreEqual(0.0, maxDelta, "bit for bit");
            AssertSameEpochs(expected, result);
            Assert.AreEqual(expected.InitialValidationMetric, result.InitialValidationMetric);
        }
        finally
        {
            ToyTask.Dispose(expectedWeights);
        }
    }

    [TestMethod]
    public void ACheckpointOfAnotherRunIsRefusedNamingWhatDiffers()
    {
        var (train, targets) = ToyTask.Classification(16, seed: 24);
        using var folder = new TemporaryDirectory();
        var options = OneEpochWithCheckpoints(folder.Path, train, targets);

        options.Seed = 8;
        options.BatchSize = 4;
        options.TrainingPrecision = DebertaPrecision.BFloat16;
        using (var model = ToyTask.Model())
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => new SequenceClassificationTrainer(options).Train(model, train, targets));
            Assert.AreEqual("CheckpointFolder", e.ParamName);
            StringAssert.Contains(e.Message, $"The checkpoint folder '{folder.Path}' holds a checkpoint of a different run");
            StringAssert.Contains(e.Message, "seed: 7 in the checkpoint, 8 in this run");
            StringAssert.Contains(e.Message, "batch size: 8 in the checkpoint, 4 in this run");
            StringAssert.Contains(e.Message, "training precision: Float32 in the checkpoint, BFloat16 in this run");
        }
        options.Seed = 7;
        options.BatchSize = 8;
        options.TrainingPrecision = DebertaPrecision.Float32;
        var (more, moreTargets) = ToyTask.Classification(20, seed: 24);
        using (var model = ToyTask.Model())
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SequenceClassificationTrainer(options).Train(model, more, moreTargets)).Message,
                "training examples: 16 in the checkpoint, 20 in this run");
        using (var threeClasses = ToyTask.Model(numLabels: 3))
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SequenceClassificationTrainer(options).Train(threeClasses, train, targets)).Message,
                "model shape (parameter names and shapes, hashed)");
    }

    [TestMethod]
    public void ADamagedCheckpointIsRefusedNamingTheFile()
    {
        var (train, targets) = ToyTask.Classification(16, seed: 25);
        using var folder = new TemporaryDirectory();
        var options = OneEpochWithCheckpoints(folder.Path, train, targets);
        var checkpoint = Directory.GetDirectories(folder.Path).Single();
        var tensors = Path.Combine(checkpoint, "tensors.bin");
        var state = Path.Combine(checkpoint, "state.json");
        var bytes = File.ReadAllBytes(tensors);
        var json = File.ReadAllText(state);

        void Refused(string reason)
        {
            using var model = ToyTask.Model();
            var e = Assert.ThrowsExactly<InvalidDataException>(() => new SequenceClassificationTrainer(options).Train(model, train, targets));
            StringAssert.Contains(e.Message, $"The training checkpoint '{checkpoint}' is damaged: ");
            StringAssert.Contains(e.Message, reason);
        }
        File.WriteAllBytes(tensors, bytes[..(bytes.Length / 2)]);
        Refused($"tensors.bin has {bytes.Length / 2} bytes where state.json records {bytes.Length}");
        var flipped = (byte[])bytes.Clone();
        flipped[^5] ^= 1;
        File.WriteAllBytes(tensors, flipped);
        Refused("the SHA-256 of tensors.bin differs from the one state.json records");
        File.WriteAllBytes(tensors, bytes);
        File.WriteAllText(state, json[..(json.Length / 2)]);
        Refused("state.json cannot be read");
    }

    [TestMethod]
    public void BadCheckpointSettingsAreRefused()
    {
        foreach (var every in new[] { 0, -1 })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(Options("checkpoints", every)));
            Assert.AreEqual("CheckpointEverySteps", e.ParamName);
            StringAssert.Contains(e.Message, "CheckpointEverySteps must be at least 1");
        }
        Assert.AreEqual("CheckpointFolder", Assert.ThrowsExactly<ArgumentException>(() => new SequenceClassificationTrainer(Options(" "))).ParamName);
        using var folder = new TemporaryDirectory();
        var file = folder.Write("not-a-folder", [1]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SequenceClassificationTrainer(Options(file))).Message, "is a file");
    }

    // A finished one-epoch run leaves its checkpoint in the folder; returns its options.
    private static SequenceClassificationTrainingOptions OneEpochWithCheckpoints(string folder, List<EncodedExample> train, List<float> targets)
    {
        var options = Options(folder);
        options.Epochs = 1;
        using var model = ToyTask.Model();
        new SequenceClassificationTrainer(options).Train(model, train, targets);
        return options;
    }

    private static readonly Regex Saved = new(@"^Saved checkpoint '.*' at step (\d+) ", RegexOptions.Compiled);
    private static readonly Regex Resumed = new(@"^Resumed from step (\d+) ", RegexOptions.Multiline | RegexOptions.Compiled);

    private static int SavedStep(string line) => Saved.Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    private static int ResumedStep(string output) => Resumed.Match(output) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    private static bool IsParameterLine(string line) => !line.StartsWith("epoch ", StringComparison.Ordinal) && !line.StartsWith("best ", StringComparison.Ordinal);

    private static float[] Floats(string line) =>
        [.. line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..].Split(',').Select(h => BitConverter.Int32BitsToSingle(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)))];

    private static long Values(torch.nn.Module model) => model.parameters().Sum(p => p.numel());

    private static double MaxAbsDifference(torch.nn.Module model, Dictionary<string, torch.Tensor> weights)
    {
        using var scope = torch.NewDisposeScope();
        return model.named_parameters().Max(p => (p.parameter.detach() - weights[p.name]).abs().max().item<float>());
    }

    private static void AssertSameEpochs(TrainingResult expected, TrainingResult actual)
    {
        Assert.AreEqual(expected.BestEpoch, actual.BestEpoch);
        Assert.AreEqual(expected.StoppedEarly, actual.StoppedEarly);
        CollectionAssert.AreEqual(
            expected.Epochs.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationMetricName, e.ValidationMetric)).ToList(),
            actual.Epochs.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationMetricName, e.ValidationMetric)).ToList(),
            "epoch summaries (durations aside) are identical");
    }
}
