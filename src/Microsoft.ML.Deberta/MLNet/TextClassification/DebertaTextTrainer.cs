using System.Diagnostics;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Trains a DeBERTa sequence classifier or regressor behind the ML.NET layer's seam: resolves where training starts
/// (<see cref="TrainingStart"/>), tokenizes each data set once, and runs <see cref="SequenceClassificationTrainer"/>
/// with the options' recipe, validation, early stopping, progress and cancellation.
/// </summary>
internal sealed class DebertaTextTrainer : IDebertaTextTrainer
{
    private readonly TextTrainerOptions _options;
    private readonly string _method;
    private readonly TextEncodingSettings _encoding;
    private readonly TokenizerCache _tokenizers = new();

    /// <param name="options">Checked options (a private copy).</param>
    /// <param name="method">The catalog method, for messages.</param>
    public DebertaTextTrainer(TextTrainerOptions options, string method)
    {
        _options = options;
        _method = method;
        _encoding = new TextEncodingSettings
        {
            MaxLength = options.MaxLength,
            Strategy = options.LongTextStrategy,
            Stride = options.Stride ?? TextEncodingSettings.DefaultStride(options.MaxLength, options.TextPairColumnName is not null),
        };
    }

    public void CheckTask(TextTask task, int classCount, IReadOnlyList<string>? classNames) =>
        TrainingStart.Resolve(_options, _method, task, classCount, classNames, LoadTokenizer);

    public IDebertaTextScorer Train(TextTrainingSet trainingSet, TextTrainingSet? validationSet, TextTrainingContext context)
    {
        var start = TrainingStart.Resolve(_options, _method, trainingSet.Task, trainingSet.ClassCount, trainingSet.ClassNames, LoadTokenizer);
        var channel = context.Channel;
        channel.Info(MessageSensitivity.None, $"{_method}: {start.Description}.");
        foreach (var warning in start.Warnings)
            channel.Warning(MessageSensitivity.None, $"{_method}: {warning}");

        var clock = Stopwatch.StartNew();
        var train = Encode(start, trainingSet, "training data", channel);
        var validation = validationSet is null ? null : Encode(start, validationSet, "validation data", channel);
        channel.Info(MessageSensitivity.None, $"{_method}: tokenized {train.Count} training examples" +
            (validation is null ? "" : $" and {validation.Count} validation examples") + $" in {clock.Elapsed.TotalSeconds:0.0} s.");
        context.CancellationToken.ThrowIfCancellationRequested();

        var model = CreateModel(start, context.Seed, channel, (config, seed) => new DebertaForSequenceClassification(config, seed));
        try
        {
            var trainer = new SequenceClassificationTrainer(FineTuningOptionsRules.Recipe(_options, context.Seed));
            var result = trainer.Train(model, train, Targets(trainingSet), validation, validationSet is null ? null : Targets(validationSet),
                _options.Progress, line => channel.Info(MessageSensitivity.None, $"{_method}: {line}"), context.CancellationToken);
            channel.Info(MessageSensitivity.None,
                $"{_method}: trained {result.Epochs.Count} epoch(s){(result.StoppedEarly ? " (stopped early)" : "")}{(result.StoppedOnRequest ? " (stopped on request)" : "")}; the model holds epoch {result.BestEpoch}'s weights.");
            model.ConvertForInference(_options.InferencePrecision);
            return new DebertaTextScorer(start.Tokenizer, model, _encoding, _options.InferenceBatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private DebertaTokenizerBase LoadTokenizer(string folder, string what, string? elsewhere) => _tokenizers.Load(folder, what, elsewhere);

    /// <summary>Tokenizes a data set once and checks its ids against the model's vocabulary, naming the row at fault.</summary>
    private IReadOnlyList<EncodedExample> Encode(TrainingStart start, TextTrainingSet set, string what, IChannel channel)
    {
        var examples = TextExampleEncoder.Encode(start.Tokenizer, set.Texts, set.Pairs, _encoding);
        int vocabulary = start.Config.VocabSize;
        int longRows = 0, lastSource = -1;
        foreach (var example in examples)
        {
            foreach (var id in example.InputIds)
                if (id >= vocabulary)
                    throw new InvalidDataException(
                        $"Row {example.SourceIndex + 1} of the {what} has token id {id} ('{start.Tokenizer.ConvertIdToToken(id)}'), outside the " +
                        $"model's vocabulary (vocab_size {vocabulary}): the tokenizer does not belong to this model.");
            if (example.InputIds.Length >= _encoding.MaxLength && example.SourceIndex != lastSource)
            {
                longRows++;
                lastSource = example.SourceIndex;
            }
        }
        if (longRows > 0)
            channel.Info(MessageSensitivity.None, $"{_method}: {longRows} of {set.Count} rows of the {what} reach MaxLength {_encoding.MaxLength} " +
                $"(long-text strategy {_encoding.Strategy}).");
        return examples;
    }

    private static IReadOnlyList<float> Targets(TextTrainingSet set) =>
        set.Task == TextTask.Regression ? set.Targets! : [.. set.ClassIndices!.Select(c => (float)c)];

    /// <summary>
    /// Builds the model: random weights from the seed, or the checkpoint's loaded as <see cref="DebertaCheckpoint"/>
    /// loads them (one copy of the weights at a time), with a new head's weights from the seed.
    /// </summary>
    /// <remarks>Shared by the heads whose classifier is <c>classifier.*</c> (sequence and token classification).</remarks>
    internal static TModel CreateModel<TModel>(TrainingStart start, int seed, IChannel channel, Func<Configuration.DebertaConfig, long, TModel> fresh)
        where TModel : DebertaPreTrainedModel
    {
        if (start.WeightsFolder is not { } folder)
            return fresh(start.Config, seed);
        Func<string, bool>? skip = start.NewHead ? key => key.StartsWith("classifier.", StringComparison.Ordinal) : null;
        var (loaded, report) = DebertaCheckpoint.LoadWeights(folder, typeof(TModel), start.Config, seed, legacy: null, skip);
        var model = (TModel)loaded;
        try
        {
            if (report.NewlyInitializedKeys.Count > 0)
                channel.Info(MessageSensitivity.None, $"New weights (from the seed): {string.Join(", ", report.NewlyInitializedKeys)}.");
            // transformers' wording, so a head loaded from a checkpoint of another head is said in the MLContext log.
            foreach (var warning in report.Warnings)
                channel.Warning(MessageSensitivity.None, warning);
            if (start.ClassOrder is { } order)
                ReorderClasses(model, order);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // Class i of the label is the checkpoint's class order[i]: permute the classifier's rows to match.
    private static void ReorderClasses(DebertaPreTrainedModel model, int[] order)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var index = torch.tensor(order.Select(i => (long)i).ToArray());
        foreach (var (name, parameter) in model.named_parameters())
            if (name is "classifier.weight" or "classifier.bias")
                parameter.copy_(parameter.index_select(0, index));
    }
}
