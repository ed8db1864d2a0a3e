using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

/// <summary>
/// The estimator of <c>mlContext.Transforms.Deberta.QuestionAnswering</c> (trains a DeBERTa extractive QA model) and
/// of <c>ApplyQuestionAnsweringModel</c> (scores with a fine-tuned question-answering checkpoint as it is). Both give a
/// <see cref="StructuredScoringTransformer"/> adding <c>Answer</c>, <c>Score</c>, <c>Start</c> and <c>End</c> (see
/// <see cref="DebertaQuestionAnsweringOptions"/>). Training checks the columns, the checkpoint and every row (empty
/// texts, answers not at their start, questions that leave no room for the context) before it starts.
/// </summary>
public sealed class QuestionAnsweringEstimator : IEstimator<StructuredScoringTransformer>
{
    private readonly DebertaCatalog _catalog;
    private readonly DebertaQuestionAnsweringOptions _options;
    private readonly string _method;
    private readonly bool _training;
    private readonly int _seed;

    internal QuestionAnsweringEstimator(DebertaCatalog catalog, DebertaQuestionAnsweringOptions options, string method, bool training)
    {
        _catalog = catalog;
        _options = options;
        _method = method;
        _training = training;
        // Drawn now, so fitting the same estimator twice trains the same model.
        _seed = options.Seed ?? (training ? catalog.NextSeed() : 0);
        if (!training)
            RequireQuestionAnsweringCheckpoint(options.ModelFolder!, method);
    }

    /// <summary>The output shape: the input plus the four answer columns (variable-length vectors).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The question or context column is missing or not text.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, _options.QuestionColumnName, "question");
        ColumnRules.RequireText(inputSchema, _options.ContextColumnName, "context");
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(Columns().CreateColumns(setId: 1)));
    }

    /// <summary>Trains (or loads the checkpoint) and returns the fitted transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="ArgumentException">The checkpoint's head does another task.</exception>
    /// <exception cref="InvalidDataException">A row cannot be trained on (the message names it).</exception>
    public StructuredScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnRules.RequireText(input.Schema, _options.QuestionColumnName, "question");
        ColumnRules.RequireText(input.Schema, _options.ContextColumnName, "context");
        QuestionAnsweringScorer scorer;
        if (_training)
        {
            var fitter = new QuestionAnsweringFitter(_options, _method);
            fitter.CheckStart();
            using var channel = _catalog.StartChannel("Fit");
            scorer = fitter.Fit(input, channel, _seed);
        }
        else
        {
            scorer = LoadCheckpoint();
        }
        var columns = new TextColumns(_options.QuestionColumnName, _options.ContextColumnName);
        return new StructuredScoringTransformer(new RowScoring<QuestionAnsweringRow>(scorer, Columns(), columns, batchSize: Math.Max(1, _options.InferenceBatchSize)));
    }

    private QuestionAnsweringColumns Columns() =>
        new(_options.AnswerColumnName, _options.ScoreColumnName, _options.StartColumnName, _options.EndColumnName);

    /// <summary>The checkpoint as it is (every fit gets its own model, owned by the transformer).</summary>
    private QuestionAnsweringScorer LoadCheckpoint()
    {
        string folder = Path.GetFullPath(_options.ModelFolder!);
        var tokenizer = _options.TokenizerFolder is null
            ? TokenizerFiles.Load(folder, $"{_method}: the model folder", "set TokenizerFolder to the folder that holds them")
            : TokenizerFiles.Load(_options.TokenizerFolder, $"{_method}: the TokenizerFolder");
        DebertaForQuestionAnswering model;
        CheckpointLoadReport report;
        using (var channel = _catalog.StartChannel(_method))
            model = DebertaCheckpoint.Load<DebertaForQuestionAnswering>(folder, out report,
                new CheckpointLoadOptions { Log = warning => channel.Warning(MessageSensitivity.None, warning), Precision = _options.InferencePrecision });
        if (report.NewlyInitializedKeys.Count > 0)
        {
            model.Dispose();
            throw new InvalidDataException(
                $"{_method}: '{folder}' lacks the head weights {string.Join(", ", report.NewlyInitializedKeys)}; it is not a fine-tuned question-answering model.");
        }
        return new QuestionAnsweringScorer(tokenizer, model, QuestionAnsweringSettings.From(_options));
    }

    /// <summary>Refuses, before any work, a folder that is not a question-answering checkpoint (e.g. a token classifier).</summary>
    private static void RequireQuestionAnsweringCheckpoint(string modelFolder, string method)
    {
        string folder = Path.GetFullPath(modelFolder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{method}: the model folder '{folder}' does not exist.");
        var architecture = DebertaConfig.Load(folder).Architectures.FirstOrDefault();
        if (HeadMismatchWarnings.Suffix(architecture) != "ForQuestionAnswering")
            throw new ArgumentException(
                $"{method}: '{folder}' is {(architecture is null ? "a checkpoint without a task head" : $"a {architecture} checkpoint")}; " +
                "scoring without training needs a fine-tuned …ForQuestionAnswering checkpoint (its outputs are start and end scores). " +
                "Train one with QuestionAnswering(…), which also accepts this folder's encoder with ReinitializeHead = true.",
                nameof(modelFolder));
    }
}
