using System.Diagnostics;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Trains a DeBERTa token classifier for the ML.NET layer with the text models' recipe: where training starts
/// (<see cref="TrainingStart"/>, a token-classification head kept when its labels fit), word windows tokenized once,
/// the model built as <see cref="DebertaTextTrainer.CreateModel"/> builds it, and the shared <see cref="FineTuningLoop"/>
/// with <see cref="TokenClassificationObjective"/> (entity F1 on the validation set each epoch).
/// </summary>
internal sealed class NerTrainer
{
    private readonly TokenClassificationOptions _options;
    private readonly string _method;
    private readonly TokenizerCache _tokenizers = new(TokenClassificationEncoding.TokenizerOptions);

    public NerTrainer(TokenClassificationOptions options, string method)
    {
        _options = options;
        _method = method;
        Encoding = new TokenClassificationEncoding
        {
            MaxLength = options.MaxLength,
            Stride = options.Stride ?? TextEncodingSettings.DefaultStride(options.MaxLength, pair: false),
            Aggregation = options.Aggregation,
            InferenceBatchSize = options.InferenceBatchSize,
        };
    }

    /// <summary>How rows become windows (training and scoring).</summary>
    public TokenClassificationEncoding Encoding { get; }

    /// <summary>Fails fast (before rows are read) when the folders do not fit the tags.</summary>
    public void CheckLabels(IReadOnlyList<string> tags) => Start(tags);

    private TrainingStart Start(IReadOnlyList<string> tags) =>
        TrainingStart.Resolve(_options, _method, TextTask.Classification, tags.Count, tags, LoadTokenizer, TrainingStart.TokenClassification);

    /// <summary>Trains and returns the scorer (which owns the model).</summary>
    public TokenClassificationScorer Train(IReadOnlyList<string> tags, (string[] Texts, int[][] Labels) train, (string[] Texts, int[][] Labels)? validation,
        IChannel channel, int seed, CancellationToken cancellationToken)
    {
        var start = Start(tags);
        channel.Info(MessageSensitivity.None, $"{_method}: {start.Description}.");
        foreach (var warning in start.Warnings)
            channel.Warning(MessageSensitivity.None, $"{_method}: {warning}");
        var clock = Stopwatch.StartNew();
        var trainSet = Encode(start, train, "training data");
        var validationSet = validation is { } v ? Encode(start, v, "validation data") : null;
        channel.Info(MessageSensitivity.None, $"{_method}: tokenized {trainSet.Windows.Sum(w => w.Count)} training windows in {clock.Elapsed.TotalSeconds:0.0} s.");
        cancellationToken.ThrowIfCancellationRequested();

        var model = DebertaTextTrainer.CreateModel(start, seed, channel, (config, s) => new DebertaForTokenClassification(config, s));
        try
        {
            var recipe = FineTuningOptionsRules.Recipe(_options, seed);
            recipe.Validate();
            var objective = new TokenClassificationObjective(model, trainSet, validationSet, tags, _options.LabelAllTokens, _options.BatchSize);
            EncodedExampleValidator.Check(model.Config, objective.Examples, trainSet.Count, "training windows", "training rows");
            var result = new FineTuningLoop(recipe, model, objective, _options.Progress,
                line => channel.Info(MessageSensitivity.None, $"{_method}: {line}"), cancellationToken).Execute();
            channel.Info(MessageSensitivity.None,
                $"{_method}: trained {result.Epochs.Count} epoch(s){(result.StoppedEarly ? " (stopped early)" : "")}; the model holds epoch {result.BestEpoch}'s weights.");
            model.ConvertForInference(_options.InferencePrecision);
            return new TokenClassificationScorer(start.Tokenizer, model, Encoding);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Word windows of every row, ids checked against the model's vocabulary (naming the row).</summary>
    private TokenClassificationSet Encode(TrainingStart start, (string[] Texts, int[][] Labels) rows, string what)
    {
        var windows = new IReadOnlyList<DebertaEncoding>[rows.Texts.Length];
        Parallel.For(0, windows.Length, i => windows[i] = Encoding.Windows(start.Tokenizer, TextWords.Split(rows.Texts[i]).Words));
        int vocabulary = start.Config.VocabSize;
        for (int row = 0; row < windows.Length; row++)
            foreach (var id in windows[row].SelectMany(w => w.InputIds))
                if (id >= vocabulary)
                    throw new InvalidDataException($"Row {row + 1} of the {what} has token id {id}, outside the model's vocabulary (vocab_size {vocabulary}): " +
                        "the tokenizer does not belong to this model.");
        return new TokenClassificationSet(windows, rows.Labels);
    }

    private DebertaTokenizerBase LoadTokenizer(string folder, string what, string? elsewhere) => _tokenizers.Load(folder, what, elsewhere);
}
