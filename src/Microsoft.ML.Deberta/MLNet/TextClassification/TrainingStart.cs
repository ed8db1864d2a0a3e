using System.Text.RegularExpressions;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Where a text model's training starts, worked out from the options and the label before any row is read: the
/// config to build (labels and problem type set for the task), the tokenizer, the checkpoint folder whose weights to
/// load (none from scratch), whether the head is new, and how the checkpoint's classes map to the label's. Every
/// mismatch between the folder and the task is an error here, with the fix in its message.
/// </summary>
internal sealed partial class TrainingStart
{
    /// <summary>The head kind of text classifiers and regressors.</summary>
    public const string SequenceClassification = "ForSequenceClassification";

    /// <summary>The head kind of NER models.</summary>
    public const string TokenClassification = "ForTokenClassification";

    private TrainingStart(DebertaConfig config, DebertaTokenizerBase tokenizer, string? weightsFolder, bool newHead,
        int[]? classOrder, string description, IReadOnlyList<string> warnings)
    {
        Config = config;
        Tokenizer = tokenizer;
        WeightsFolder = weightsFolder;
        NewHead = newHead;
        ClassOrder = classOrder;
        Description = description;
        Warnings = warnings;
    }

    /// <summary>The config of the model to build: the folder's (or the given one) with the task's labels and problem type.</summary>
    public DebertaConfig Config { get; }

    public DebertaTokenizerBase Tokenizer { get; }

    /// <summary>The checkpoint folder to load weights from, or null to train from scratch.</summary>
    public string? WeightsFolder { get; }

    /// <summary>Whether the classifier starts from random weights (always from scratch; for a backbone checkpoint; or when asked).</summary>
    public bool NewHead { get; }

    /// <summary>When the checkpoint's head is kept but lists the classes in another order: class i of the label is the
    /// checkpoint's class <c>ClassOrder[i]</c>. Null when the orders agree.</summary>
    public int[]? ClassOrder { get; }

    /// <summary>One line saying where training starts, for the log.</summary>
    public string Description { get; }

    /// <summary>Things worth a log line that do not stop training.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Works out the start; throws when the folder is missing or does not fit the task.</summary>
    /// <param name="options">The checked options.</param>
    /// <param name="method">The catalog method, for messages (e.g. "TextClassification").</param>
    /// <param name="task">Classification or regression.</param>
    /// <param name="classCount">Classes of the label (0 for regression).</param>
    /// <param name="classNames">Class names in class order, or null.</param>
    /// <param name="loadTokenizer">Loads a tokenizer folder (cached by the caller).</param>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The model folder lacks config.json, weights or tokenizer files.</exception>
    /// <exception cref="ArgumentException">The checkpoint or config does not fit the task.</exception>
    /// <param name="keptHead">The head a checkpoint may keep (its class name after Deberta/DebertaV2): <c>ForSequenceClassification</c>
    /// for text models, <c>ForTokenClassification</c> for NER.</param>
    public static TrainingStart Resolve(TextTrainerOptions options, string method, TextTask task, int classCount,
        IReadOnlyList<string>? classNames, Func<string, string, string?, DebertaTokenizerBase> loadTokenizer, string keptHead = SequenceClassification)
    {
        var warnings = new List<string>();
        DebertaConfig config;
        DebertaTokenizerBase tokenizer;
        string? weights = null;
        bool newHead = true;
        int[]? order = null;
        string description;
        if (options.ModelFolder is { } modelFolder)
        {
            weights = RequireCheckpointFolder(modelFolder, method);
            config = DebertaConfig.Load(weights);
            tokenizer = options.TokenizerFolder is null
                ? loadTokenizer(weights, $"{method}: the model folder", "set TokenizerFolder to the folder that holds them")
                : loadTokenizer(options.TokenizerFolder, $"{method}: the TokenizerFolder", null);
            var architecture = config.Architectures.FirstOrDefault();
            var kind = HeadKind(architecture);
            if (kind == keptHead && !options.ReinitializeHead)
            {
                order = KeptHeadOrder(config, weights, method, task, classCount, classNames);
                newHead = false;
                description = $"fine-tuning '{weights}' ({architecture}, its head kept{(order is null ? "" : ", classes reordered by name")})";
            }
            else if (kind is "Model" or "ForMaskedLM" or null || options.ReinitializeHead)
            {
                description = $"fine-tuning '{weights}' ({architecture ?? "a backbone"}) with a new head";
            }
            else
            {
                throw new ArgumentException(
                    $"{method}: '{weights}' is a {architecture} checkpoint, whose head does another task. Start from a pre-trained " +
                    $"backbone or a …{keptHead} checkpoint, or set ReinitializeHead = true to use its encoder with a new head.",
                    nameof(TextTrainerOptions.ModelFolder));
            }
        }
        else
        {
            config = options.Config!.Clone();
            config.Validate();
            tokenizer = loadTokenizer(options.TokenizerFolder!, $"{method}: the TokenizerFolder", null);
            if (config.VocabSize < tokenizer.VocabularySize)
                throw new ArgumentException(
                    $"{method}: the config's vocab_size {config.VocabSize} is smaller than the tokenizer's {tokenizer.VocabularySize} ids; " +
                    $"set Config.VocabSize to at least {tokenizer.VocabularySize}.", nameof(TextTrainerOptions.Config));
            description = $"training a new {config.ModelType} model from scratch ({config.NumHiddenLayers} layers, hidden size {config.HiddenSize})";
        }

        if (config.PositionBiasedInput && options.MaxLength > config.MaxPositionEmbeddings)
            throw new ArgumentException(
                $"{method}: MaxLength {options.MaxLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings} " +
                "(its absolute position table); lower MaxLength.", nameof(TextTrainerOptions.MaxLength));
        if (weights is not null && tokenizer.VocabularySize > config.VocabSize)
            warnings.Add($"The tokenizer has {tokenizer.VocabularySize} ids but the model's vocab_size is {config.VocabSize}: " +
                "texts with tokens beyond it cannot be scored. Is the tokenizer the model's own?");

        if (task == TextTask.Regression)
        {
            if (config.NumLabels != 1)
                config.NumLabels = 1;
            config.ProblemType = ProblemType.Regression;
        }
        else
        {
            config.SetLabels(classNames ?? [.. Enumerable.Range(0, classCount).Select(i => $"LABEL_{i}")]);
            config.ProblemType = ProblemType.SingleLabelClassification;
        }
        return new TrainingStart(config, tokenizer, weights, newHead, order, description, warnings);
    }

    // "ForSequenceClassification", "Model", "ForMaskedLM", …: the class name after Deberta/DebertaV2; null when none is named.
    private static string? HeadKind(string? architecture) => architecture switch
    {
        null => null,
        _ when architecture.StartsWith("DebertaV2", StringComparison.Ordinal) => architecture["DebertaV2".Length..],
        _ when architecture.StartsWith("Deberta", StringComparison.Ordinal) => architecture["Deberta".Length..],
        _ => architecture,
    };

    /// <summary>Checks that a sequence-classification head fits the task; returns the class reordering, or null for none.</summary>
    private static int[]? KeptHeadOrder(DebertaConfig config, string folder, string method, TextTask task, int classCount, IReadOnlyList<string>? classNames)
    {
        const string Fix = "Set ReinitializeHead = true to train a new head on the checkpoint's encoder.";
        var checkpointNames = CheckpointClassNames.Of(config);
        if (config.ProblemType == ProblemType.MultiLabelClassification)
            throw new ArgumentException($"{method}: the checkpoint's head is multi-label (problem_type multi_label_classification). {Fix}", nameof(TextTrainerOptions.ModelFolder));
        if (task == TextTask.Regression)
        {
            return config.NumLabels == 1 && config.ProblemType != ProblemType.SingleLabelClassification ? null
                : throw new ArgumentException(
                    $"{method}: the checkpoint's head classifies {config.NumLabels} labels ({string.Join(", ", checkpointNames)}); regression needs one output. {Fix}",
                    nameof(TextTrainerOptions.ModelFolder));
        }
        if (config.ProblemType == ProblemType.Regression || config.NumLabels != classCount)
            throw new ArgumentException(
                $"{method}: the checkpoint's head has {config.NumLabels} label(s) ({string.Join(", ", checkpointNames)}) but the label column has " +
                $"{classCount} classes{(classNames is null ? "" : $" ({string.Join(", ", classNames)})")}. {Fix}",
                nameof(TextTrainerOptions.ModelFolder));
        if (classNames is null || checkpointNames.All(n => GenericLabel().IsMatch(n)) || checkpointNames.SequenceEqual(classNames, StringComparer.Ordinal))
            return null;
        CheckpointClassNames.RequireDistinct(checkpointNames, method, folder);
        var byName = checkpointNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        if (classNames.All(byName.ContainsKey) && classNames.Distinct(StringComparer.Ordinal).Count() == classNames.Count)
            return [.. classNames.Select(n => byName[n])];
        throw new ArgumentException(
            $"{method}: the checkpoint's labels ({string.Join(", ", checkpointNames)}) are not the label column's classes ({string.Join(", ", classNames)}). " +
            $"Map the label to the checkpoint's names, or: {Fix}", nameof(TextTrainerOptions.ModelFolder));
    }

    [GeneratedRegex("^LABEL_[0-9]+$")]
    private static partial Regex GenericLabel();
}
