using System.IO.Compression;
using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Saves and loads ML.NET models that contain DeBERTa steps, as one ML.NET-compatible .zip: ML.NET's own entries
/// (the pipeline, with a placeholder per DeBERTa step, and the input schema) plus a <c>Microsoft.ML.Deberta/</c>
/// folder holding each step's configuration, weights (safetensors), tokenizer and labels.
/// </summary>
/// <remarks>
/// Plain <c>mlContext.Model.Save</c> writes such models too (each step's files inside its own ML.NET folder, compressed);
/// <see cref="Save"/> writes atomically and stores the weights uncompressed. Either file loads here. A model loaded with
/// plain <c>mlContext.Model.Load</c> cannot be rebuilt by ML.NET (its loader registration is internal) and throws on first
/// use with a message naming <see cref="Load(MLContext, string, out DataViewSchema)"/>.
/// Models without DeBERTa steps save and load here exactly as with <c>mlContext.Model</c>.
/// </remarks>
public static class DebertaModelIO
{
    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="path"/>. The file is written under a temporary name in the same
    /// folder and moved into place at the end, so a failure or cancellation leaves no partial file (and an existing
    /// file at <paramref name="path"/> untouched).
    /// </summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="model">The fitted model, usually a <c>TransformerChain</c>.</param>
    /// <param name="inputSchema">The schema of the data the model was fitted on (<c>data.Schema</c>).</param>
    /// <param name="path">The .zip file to write; its folder must exist.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was written.</exception>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (ModelSteps.CountStubs(model) is > 0 and var stubs)
            throw new InvalidOperationException(
                $"The model holds {stubs} DeBERTa step(s) without their weights (it was loaded with mlContext.Model.Load); " +
                "load it with DebertaModelIO.Load(mlContext, path, out var inputSchema) before saving it.");
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot save the model to '{target}': folder '{folder}' does not exist.");
        var temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        var work = Directory.CreateTempSubdirectory("deberta-save-");
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mlnetZip = Path.Combine(work.FullName, "mlnet.zip");
            IDebertaPipelineStep[] steps;
            using (var scope = DebertaSaveScope.Begin())
            {
                mlContext.Model.Save(model, inputSchema, mlnetZip);
                steps = [.. scope.Steps];
            }
            using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var zip = new ZipArchive(output, ZipArchiveMode.Create))
            {
                PayloadArchive.CopyEntries(mlnetZip, zip);
                var manifest = new PayloadManifest();
                for (int i = 0; i < steps.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var name = PayloadManifest.FolderOf(i);
                    WriteStep(steps[i], Path.Combine(work.FullName, name), zip, PayloadManifest.Root + name + "/");
                    manifest.Steps.Add(new PayloadManifest.Step(name, steps[i].PayloadKind, steps[i].StepKind));
                }
                manifest.Write(zip);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        finally
        {
            TryDeleteFolder(work.FullName);
        }
    }

    /// <summary>
    /// Loads a model saved by <see cref="Save"/> or by plain <c>mlContext.Model.Save</c> (or any ML.NET model) and
    /// rebuilds its DeBERTa steps.
    /// </summary>
    /// <remarks>
    /// Load only files from sources you trust. The pipeline is read first by ML.NET's own loader
    /// (<c>mlContext.Model.Load</c>), which creates the components the file names and which ML.NET documents as a
    /// security risk for untrusted files; that part is not ours to make safe. The DeBERTa payloads are then unpacked to
    /// a temporary folder only after their entries are checked (count, sizes, expansion, repeated names), and their
    /// weights are read as safetensors, which hold no code.
    /// </remarks>
    /// <param name="mlContext">The context the loaded steps log to.</param>
    /// <param name="path">The .zip file.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a model zip, corrupt, missing its DeBERTa payload, or from a newer version.</exception>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema) =>
        Load(mlContext, path, out inputSchema, TextScorerLoaders.BuiltIn);

    /// <summary>Loads a model from a seekable stream; see <see cref="Load(MLContext, string, out DataViewSchema)"/>.</summary>
    public static ITransformer Load(MLContext mlContext, Stream stream, out DataViewSchema inputSchema) =>
        Load(mlContext, stream, "the model stream", out inputSchema, TextScorerLoaders.BuiltIn);

    /// <summary>
    /// Loads a model as <see cref="Load(MLContext, string, out DataViewSchema)"/> does, its DeBERTa steps scoring with
    /// <paramref name="runtime"/>. With <see cref="DebertaScoringRuntime.OnnxRuntime"/>, text classification, regression,
    /// pair-scoring, text-embedding, zero-shot, NER, question-answering and fill-mask steps are exported to ONNX while loading and score with ONNX Runtime, with the same output columns;
    /// <see cref="Save"/> then writes the ONNX graph in place of the weights, and loading that file never loads libtorch.
    /// <see cref="DebertaScoringRuntime.OnnxRuntimeInt8"/> does the same with the int8 export.
    /// </summary>
    /// <param name="mlContext">The context the loaded steps log to.</param>
    /// <param name="path">The .zip file.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    /// <param name="runtime">The runtime the DeBERTa steps score with.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a model zip, corrupt, missing its DeBERTa payload, or from a newer version.</exception>
    /// <exception cref="NotSupportedException">A step of a kind that cannot score with ONNX Runtime (the message names it).</exception>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema, DebertaScoringRuntime runtime) =>
        Load(mlContext, path, out inputSchema, LoadersFor(runtime), runtime: runtime);

    /// <summary>Loads a model from a seekable stream; see <see cref="Load(MLContext, string, out DataViewSchema, DebertaScoringRuntime)"/>.</summary>
    public static ITransformer Load(MLContext mlContext, Stream stream, out DataViewSchema inputSchema, DebertaScoringRuntime runtime) =>
        Load(mlContext, stream, "the model stream", out inputSchema, LoadersFor(runtime), runtime: runtime);

    private static IReadOnlyList<IDebertaTextScorerLoader> LoadersFor(DebertaScoringRuntime runtime) => runtime switch
    {
        DebertaScoringRuntime.TorchSharp => TextScorerLoaders.BuiltIn,
        _ when OnnxRuntimeLoaders.WeightFormat(runtime) is { } weightFormat => OnnxRuntimeLoaders.Wrap(TextScorerLoaders.BuiltIn, weightFormat),
        _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime, "Unknown scoring runtime."),
    };

    /// <summary>Load with an explicit set of payload loaders (tests, and models of other kinds).</summary>
    internal static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema,
        IReadOnlyList<IDebertaTextScorerLoader> loaders, PayloadLimits? limits = null, DebertaScoringRuntime runtime = DebertaScoringRuntime.TorchSharp)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"Model file '{full}' does not exist.", full);
        using var stream = File.OpenRead(full);
        return Load(mlContext, stream, $"'{full}'", out inputSchema, loaders, limits, runtime);
    }

    internal static ITransformer Load(MLContext mlContext, Stream stream, string source, out DataViewSchema inputSchema,
        IReadOnlyList<IDebertaTextScorerLoader> loaders, PayloadLimits? limits = null, DebertaScoringRuntime runtime = DebertaScoringRuntime.TorchSharp)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException("The model stream must be seekable; copy it into a MemoryStream first.", nameof(stream));
        long start = stream.Position;
        using var zip = OpenZip(stream, source);
        var payloads = PayloadManifest.ReadAll(zip, source);
        ITransformer model;
        try
        {
            stream.Position = start;
            model = mlContext.Model.Load(stream, out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ML.NET's own message stays in the inner exception: it names ML.NET internals, not what to do.
            throw new InvalidDataException(
                $"{source}: ML.NET could not rebuild the pipeline it holds ({e.GetType().Name}, details in the inner exception). " +
                "Load it with the Microsoft.ML version it was saved with, or save the model again.", e);
        }
        int stubs = ModelSteps.CountStubs(model);
        if (payloads.Count == 0)
            return stubs == 0 ? model : throw new InvalidDataException(
                $"{source} has {stubs} DeBERTa step(s) but no DeBERTa payload ({PayloadManifest.EntryName} is missing): the file is incomplete or was altered.");
        if (payloads.Count != stubs)
            throw new InvalidDataException($"{source}: its DeBERTa payload lists {payloads.Count} step(s) but the pipeline holds {stubs}.");
        var environment = DebertaCatalog.For(mlContext).Environment;
        var loaded = new List<ITransformer>();
        try
        {
            foreach (var payload in payloads)
                loaded.Add(LoadStep(environment, zip, payload, source, loaders, limits ?? PayloadLimits.Default, runtime));
            return ModelSteps.ReplaceStubs(model, loaded);
        }
        catch
        {
            foreach (var step in loaded)
                (step as IDisposable)?.Dispose();
            throw;
        }
    }

    private static ZipArchive OpenZip(Stream stream, string source)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"{source} is not a model .zip file, or it is truncated or corrupt. Check the path, or save the model again with DebertaModelIO.Save.", e);
        }
    }

    private static void WriteStep(IDebertaPipelineStep step, string folder, ZipArchive zip, string entryPrefix)
    {
        Directory.CreateDirectory(folder);
        step.WriteStep(folder);
        PayloadArchive.AddFolder(zip, folder, entryPrefix);
    }

    private static ITransformer LoadStep(Runtime.IHostEnvironment environment, ZipArchive zip, PayloadManifest.Located payload,
        string source, IReadOnlyList<IDebertaTextScorerLoader> loaders, PayloadLimits limits, DebertaScoringRuntime runtime)
    {
        var where = $"{source}, DeBERTa step '{payload.Prefix.TrimEnd('/')}'";
        var folder = Directory.CreateTempSubdirectory("deberta-load-").FullName;
        try
        {
            PayloadArchive.ExtractFolder(zip, payload.Prefix, folder, where, limits);
            return PipelineStepKinds.Read(payload.Step.StepKind, environment, folder, where, loaders, runtime);
        }
        finally
        {
            TryDeleteFolder(folder);
        }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void TryDeleteFolder(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
