using System.Diagnostics;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Trains a DeBERTa QA model from ML.NET rows: resolves the start (<see cref="QuestionAnsweringStart"/>), reads and
/// checks the rows, makes run_qa.py's labelled windows once (<see cref="QuestionAnsweringFeatureBuilder"/>; rows whose
/// answer is not at its start fail, or are skipped and counted), and runs <see cref="QuestionAnsweringTrainer"/>.
/// </summary>
internal sealed class QuestionAnsweringFitter(DebertaQuestionAnsweringOptions options, string method)
{
    /// <summary>Checks the folders and the head before any row is read (the estimator's early failure).</summary>
    public void CheckStart() => QuestionAnsweringStart.Resolve(options, method);

    /// <summary>Trains and returns the fitted model.</summary>
    /// <exception cref="InvalidDataException">A row cannot be trained on; the message names it.</exception>
    public QuestionAnsweringScorer Fit(IDataView trainingData, IChannel channel, int seed)
    {
        var start = QuestionAnsweringStart.Resolve(options, method);
        channel.Info(MessageSensitivity.None, $"{method}: {start.Description}.");
        var settings = QuestionAnsweringSettings.From(options);
        var token = options.CancellationToken;

        var clock = Stopwatch.StartNew();
        var rows = QuestionAnsweringRowReader.Read(trainingData, options, "training data", token);
        var builder = new QuestionAnsweringFeatureBuilder(start.Tokenizer);
        QuestionAnsweringTrainingSet set;
        try
        {
            set = builder.Build(rows, new QuestionAnsweringTrainingOptions
            {
                MaxSeqLength = options.MaxSeqLength, DocStride = options.DocStride, SkipMismatchedAnswers = options.SkipMismatchedAnswers,
            });
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The training data (rows counted from 0): {e.Message}", e);
        }
        if (set.SkippedRows.Count > 0)
            channel.Warning(MessageSensitivity.None, $"{method}: skipped {set.SkippedRows.Count} of {rows.Count} training rows whose answer text " +
                $"is not at its start offset (SkipMismatchedAnswers; first: row {set.SkippedRows[0]}, counted from 0).");
        if (set.Features.Count == 0)
            throw new InvalidDataException($"{method}: every training row was skipped (their answers are not at their start offsets); nothing is left to train on.");
        QuestionAnsweringValidationSet? validation = null;
        if (options.ValidationSet is { } validationData)
        {
            var validationRows = QuestionAnsweringRowReader.Read(validationData, options, "validation data", token);
            try
            {
                validation = new QuestionAnsweringValidationSet(new QuestionAnsweringDecoder(start.Tokenizer), validationRows, settings.Decoding);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The validation data (rows counted from 0): {e.Message}", e);
            }
        }
        channel.Info(MessageSensitivity.None, $"{method}: {rows.Count} training rows gave {set.Features.Count} windows " +
            $"({set.Features.Count(f => f.ContainsAnswer)} holding their answer) in {clock.Elapsed.TotalSeconds:0.0} s.");
        token.ThrowIfCancellationRequested();

        var model = CreateModel(start, seed, channel);
        try
        {
            var trainer = new QuestionAnsweringTrainer(FineTuningOptionsRules.Recipe(options, seed));
            var result = trainer.Train(model, set.Features, validation, options.Progress,
                line => channel.Info(MessageSensitivity.None, $"{method}: {line}"), token);
            channel.Info(MessageSensitivity.None,
                $"{method}: trained {result.Epochs.Count} epoch(s){(result.StoppedEarly ? " (stopped early)" : "")}; the model holds epoch {result.BestEpoch}'s weights.");
            model.ConvertForInference(options.InferencePrecision);
            return new QuestionAnsweringScorer(start.Tokenizer, model, settings);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Random weights from the seed, or the checkpoint's (a new head's from the seed).</summary>
    private static DebertaForQuestionAnswering CreateModel(QuestionAnsweringStart start, int seed, IChannel channel)
    {
        if (start.WeightsFolder is not { } folder)
            return new DebertaForQuestionAnswering(start.Config, seed);
        var (loaded, report) = DebertaCheckpoint.LoadWeights(folder, typeof(DebertaForQuestionAnswering), start.Config, seed, legacy: null,
            key => key.StartsWith("qa_outputs.", StringComparison.Ordinal) && !start.KeepsHead);
        if (report.NewlyInitializedKeys.Count > 0)
            channel.Info(MessageSensitivity.None, $"New weights (from the seed): {string.Join(", ", report.NewlyInitializedKeys)}.");
        foreach (var warning in report.Warnings)
            channel.Warning(MessageSensitivity.None, warning);
        return (DebertaForQuestionAnswering)loaded;
    }
}
