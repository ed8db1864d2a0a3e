using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Loads Hugging Face DeBERTa checkpoint folders (<c>config.json</c> plus weights) into models and saves models
/// back in the layout <c>save_pretrained</c> writes, so transformers can load them.
/// </summary>
/// <remarks>
/// <para>Loading accepts keys with or without the <c>deberta.</c> prefix, float32/float16/bfloat16 weights (upcast to
/// float32), and the keys real checkpoints carry that the model does not use. A task head the checkpoint lacks is
/// initialised from <see cref="CheckpointLoadOptions.Seed"/> (fine-tuning from a pre-trained backbone); a missing
/// backbone key, or a tensor whose shape or dtype does not fit the config, raises
/// <see cref="CheckpointMismatchException"/> listing every problem, before anything is copied. A checkpoint of another
/// head (its config's <c>architectures</c>, or head weights unused or missing) loads with warnings worded as transformers
/// words them, in <see cref="CheckpointLoadReport.Warnings"/> and <see cref="CheckpointLoadOptions.Log"/>, or fails under
/// <see cref="CheckpointLoadOptions.Strict"/>.</para>
/// <para>For a masked-LM model the head is the one the checkpoint holds: <c>lm_predictions.lm_head.*</c> (Microsoft's
/// checkpoints) or <c>cls.predictions.*</c>; only when it holds neither does <see cref="DebertaConfig.Legacy"/> decide.</para>
/// </remarks>
/// <example>
/// <code>
/// using var model = DebertaCheckpoint.Load&lt;DebertaForSequenceClassification&gt;("models/deberta-v3-base-mnli");
/// using var output = model.Predict(inputIds, attentionMask);
/// model.SavePretrained("out/my-model");
/// </code>
/// </example>
public static class DebertaCheckpoint
{
    /// <summary>Loads a checkpoint folder into the given model class.</summary>
    /// <typeparam name="TModel"><see cref="DebertaModel"/> or one of the task models.</typeparam>
    /// <param name="folder">A folder with <c>config.json</c> and weights (<c>model.safetensors</c>, sharded safetensors or <c>pytorch_model.bin</c>).</param>
    /// <param name="options">Seed for new weights and config changes; defaults when null.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder lacks config.json or weights.</exception>
    /// <exception cref="DebertaConfigException">config.json is invalid.</exception>
    /// <exception cref="CheckpointMismatchException">
    /// The weights do not fit the config; or, with <see cref="CheckpointLoadOptions.Strict"/>, the checkpoint's head is
    /// not the model's (otherwise that is a warning in <see cref="CheckpointLoadReport.Warnings"/>).
    /// </exception>
    /// <exception cref="InvalidDataException">A weight file is corrupt.</exception>
    public static TModel Load<TModel>(string folder, CheckpointLoadOptions? options = null)
        where TModel : DebertaPreTrainedModel =>
        Load<TModel>(folder, out _, options);

    /// <summary>Loads a checkpoint folder into the given model class and reports what happened to its keys.</summary>
    /// <inheritdoc cref="Load{TModel}(string, CheckpointLoadOptions?)"/>
    public static TModel Load<TModel>(string folder, out CheckpointLoadReport report, CheckpointLoadOptions? options = null)
        where TModel : DebertaPreTrainedModel
    {
        var (model, r) = LoadCore(folder, typeof(TModel), options);
        report = r;
        return (TModel)model;
    }

    /// <summary>
    /// Loads a checkpoint folder into the model class its config's <c>architectures</c> names (e.g.
    /// <c>DebertaV2ForTokenClassification</c> → <see cref="DebertaForTokenClassification"/>); the bare
    /// <see cref="DebertaModel"/> when it names none.
    /// </summary>
    /// <inheritdoc cref="Load{TModel}(string, CheckpointLoadOptions?)"/>
    /// <exception cref="NotSupportedException">The architecture is not one this library implements.</exception>
    public static DebertaPreTrainedModel Load(string folder, out CheckpointLoadReport report, CheckpointLoadOptions? options = null)
    {
        var config = ReadConfig(folder);
        var type = ModelTypeFor(config.Architectures.FirstOrDefault());
        var (model, r) = LoadCore(folder, type, options);
        report = r;
        return model;
    }

    /// <inheritdoc cref="Load(string, out CheckpointLoadReport, CheckpointLoadOptions?)"/>
    public static DebertaPreTrainedModel Load(string folder, CheckpointLoadOptions? options = null) => Load(folder, out _, options);

    /// <summary>
    /// Writes the model as transformers' <c>save_pretrained</c> does: <c>config.json</c> (with <c>architectures</c> set
    /// to the model's transformers class) and <c>model.safetensors</c> with transformers' keys (the tied decoder stored
    /// once, as the word embeddings). Each file is written to a temporary name and moved into place.
    /// </summary>
    /// <param name="model">The model to save.</param>
    /// <param name="folder">Destination folder; created if needed; existing files of the same names are replaced.</param>
    public static void SavePretrained(this DebertaPreTrainedModel model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(folder);
        var config = model.Config.Clone();
        config.Architectures = new List<string> { model.HuggingFaceClassName };
        foreach (var dtypeKey in new[] { "dtype", "torch_dtype" })
        {
            if (config.ExtraFields.ContainsKey(dtypeKey))
                config.ExtraFields[dtypeKey] = "float32";
        }
        Directory.CreateDirectory(folder);
        using (var scope = NewDisposeScope())
        {
            var tensors = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach());
            SafeTensorsFile.Write(Path.Combine(folder, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        config.Save(folder);
    }

    /// <summary>
    /// Copies a state dict (transformers keys, with or without the <c>deberta.</c> prefix) into an existing model.
    /// Every key and shape is checked first; on a mismatch nothing is copied. Head parameters the state dict lacks
    /// keep their current values (listed as <see cref="CheckpointLoadReport.NewlyInitializedKeys"/>).
    /// </summary>
    /// <exception cref="CheckpointMismatchException">Backbone keys are missing or tensors do not fit; the model is unchanged.</exception>
    public static CheckpointLoadReport LoadStateDict(this DebertaPreTrainedModel model, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stateDict);
        return StateDictLoader.Load(model, stateDict, "state dict", model is DebertaForMaskedLM ? model.Config.Legacy : null);
    }

    /// <summary>The transformers key set a model saves (what <see cref="SavePretrained"/> writes).</summary>
    public static IReadOnlyList<string> StateDictKeys(this DebertaPreTrainedModel model) =>
        model.named_parameters().Select(p => p.name).OrderBy(k => k, StringComparer.Ordinal).ToList();

    private static (DebertaPreTrainedModel, CheckpointLoadReport) LoadCore(string folder, Type modelType, CheckpointLoadOptions? options)
    {
        options ??= new CheckpointLoadOptions();
        var config = ReadConfig(folder);
        // The headers alone: whether there are weights, and which masked-LM head they hold, before any data is read.
        var keys = StateDictLoader.Sort(CheckpointFiles.ReadKeys(folder, options.FileLimits));
        bool? legacy = null;
        if (modelType == typeof(DebertaForMaskedLM))
        {
            // Use the head the checkpoint holds; transformers' default (a fresh legacy head) would discard real weights.
            if (keys.HasHeadKeyStartingWith("lm_predictions.lm_head."))
                config.Legacy = false;
            else if (keys.HasHeadKeyStartingWith("cls.predictions."))
                config.Legacy = true;
        }
        options.Configure?.Invoke(config);
        config.Validate();
        if (modelType == typeof(DebertaForMaskedLM))
            legacy = config.Legacy;

        var (model, report) = LoadWeights(folder, modelType, config, options.Seed, legacy, limits: options.FileLimits);
        // A float32 load stays a plain model (to train, or to convert later); bfloat16 is asked for inference.
        if (options.Precision != DebertaPrecision.Float32)
            model.ConvertForInference(options.Precision);
        if (report.Warnings.Count == 0)
            return (model, report);
        if (options.Strict)
        {
            var error = HeadMismatchWarnings.StrictError(folder, model, config.Architectures.FirstOrDefault(), report);
            model.Dispose();
            throw error;
        }
        foreach (var warning in report.Warnings)
        {
            if (options.Log is { } log) log(warning);
            else System.Diagnostics.Trace.TraceWarning(warning);
        }
        return (model, report);
    }

    /// <summary>
    /// Builds a model of <paramref name="modelType"/> from <paramref name="config"/> and gives it the folder's weights,
    /// holding one copy of them at a time; the head parameters the checkpoint lacks (or whose keys
    /// <paramref name="skipKey"/> drops) are initialised from <paramref name="seed"/>, exactly as a new model's are.
    /// </summary>
    /// <param name="folder">The checkpoint folder (its weights; its config is <paramref name="config"/> or one made from it).</param>
    /// <param name="modelType"><see cref="DebertaModel"/> or one of the task models.</param>
    /// <param name="config">The validated config of the model to build.</param>
    /// <param name="seed">Seed for the head parameters the checkpoint does not supply.</param>
    /// <param name="legacy">For a masked-LM model, which head it has; null otherwise.</param>
    /// <param name="skipKey">Checkpoint keys to leave unused (e.g. a head to reinitialise), or null for none.</param>
    /// <param name="limits">Size limits on the weight files' headers and pickles, or null for the defaults.</param>
    internal static (DebertaPreTrainedModel Model, CheckpointLoadReport Report) LoadWeights(
        string folder, Type modelType, DebertaConfig config, long seed, bool? legacy, Func<string, bool>? skipKey = null,
        CheckpointFileLimits? limits = null)
    {
        // The model is built without the seeded initialisation and gives up its weights before the file's are read:
        // the parameters take over the tensors read, so one copy of the weights exists at a time. Only the head
        // parameters the checkpoint lacks are initialised, from the seed, as a new model's would be (each parameter
        // draws from its own generator, so the values do not depend on which others are initialised).
        var model = Create(modelType, config);
        Dictionary<string, Tensor>? stateDict = null;
        try
        {
            StateDictLoader.ReleaseWeights(model);
            stateDict = CheckpointFiles.ReadStateDict(folder, limits);
            var used = skipKey is null ? stateDict : stateDict.Where(p => !skipKey(p.Key)).ToDictionary(p => p.Key, p => p.Value);
            var report = StateDictLoader.Load(model, used, folder, legacy, adopt: true);
            report = report with { Warnings = HeadMismatchWarnings.For(folder, model, config.Architectures.FirstOrDefault(), report) };
            var fresh = report.NewlyInitializedKeys.ToHashSet(StringComparer.Ordinal);
            if (fresh.Count > 0)
                model.InitializeWeights(seed, fresh.Contains);
            return (model, report);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            // The parameters hold their own references to the tensors they took over; skipped tensors go too.
            foreach (var tensor in stateDict?.Values ?? Enumerable.Empty<Tensor>())
                tensor.Dispose();
        }
    }

    private static DebertaConfig ReadConfig(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Checkpoint folder '{folder}' does not exist.");
        var file = Path.Combine(folder, "config.json");
        if (!File.Exists(file))
            throw new FileNotFoundException($"Checkpoint folder '{folder}' has no config.json.", file);
        return DebertaConfig.Load(file);
    }

    // Without the seeded initialisation: the checkpoint's weights follow.
    private static DebertaPreTrainedModel Create(Type modelType, DebertaConfig config)
    {
        if (modelType == typeof(DebertaModel)) return new DebertaModel(config, initialize: false);
        if (modelType == typeof(DebertaForMaskedLM)) return new DebertaForMaskedLM(config, seed: null);
        if (modelType == typeof(DebertaForSequenceClassification)) return new DebertaForSequenceClassification(config, seed: null);
        if (modelType == typeof(DebertaForTokenClassification)) return new DebertaForTokenClassification(config, seed: null);
        if (modelType == typeof(DebertaForQuestionAnswering)) return new DebertaForQuestionAnswering(config, seed: null);
        throw new NotSupportedException($"{modelType.Name} is not a DeBERTa model class this loader can build.");
    }

    private static Type ModelTypeFor(string? architecture)
    {
        if (architecture is null) return typeof(DebertaModel);
        return HeadMismatchWarnings.Suffix(architecture) switch
        {
            "Model" => typeof(DebertaModel),
            "ForMaskedLM" => typeof(DebertaForMaskedLM),
            "ForSequenceClassification" => typeof(DebertaForSequenceClassification),
            "ForTokenClassification" => typeof(DebertaForTokenClassification),
            "ForQuestionAnswering" => typeof(DebertaForQuestionAnswering),
            _ => throw new NotSupportedException(
                $"The checkpoint's architecture '{architecture}' is not supported; load it with Load<DebertaModel> or a specific head."),
        };
    }
}
