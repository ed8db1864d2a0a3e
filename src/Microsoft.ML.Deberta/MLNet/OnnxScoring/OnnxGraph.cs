using Google.Protobuf;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The ONNX graph an ML.NET step scores with and writes into its payload: the .onnx file's bytes, held in memory, and
/// for a model whose weights pass protobuf's 2 GB limit the external-data side files its initializers point to, kept in
/// a temporary folder this object owns (with a copy of the .onnx file, so ONNX Runtime finds them by their relative
/// locations). Nothing here touches TorchSharp except <see cref="Export"/>.
/// </summary>
internal sealed class OnnxGraph : IDisposable
{
    private readonly byte[] _model;
    private readonly string? _folder;

    private OnnxGraph(byte[] model, string? folder, IReadOnlyList<string> dataFiles)
    {
        _model = model;
        _folder = folder;
        DataFiles = dataFiles;
    }

    /// <summary>The side files' locations relative to the .onnx file's folder; empty for a self-contained graph.</summary>
    public IReadOnlyList<string> DataFiles { get; }

    /// <summary>
    /// Exports <paramref name="model"/>: in memory when its weights fit one protobuf message (the usual case), else with
    /// external data in a temporary folder.
    /// </summary>
    /// <param name="model">A model in eval state.</param>
    /// <param name="weightFormat">How the encoder's linear layers are stored (float32 or int8).</param>
    /// <param name="inlineWeightLimit">Initializer bytes above which the weights go to external data (tests force it on a tiny model).</param>
    public static OnnxGraph Export(DebertaPreTrainedModel model, OnnxWeightFormat weightFormat, long inlineWeightLimit = DebertaOnnxExporter.InlineWeightLimitBytes)
    {
        var proto = DebertaOnnxExporter.Build(model, weightFormat);
        if (OnnxExternalData.InitializerBytes(proto.Graph) <= inlineWeightLimit)
            return new OnnxGraph(proto.ToByteArray(), null, []);
        var folder = Directory.CreateTempSubdirectory("deberta-onnx-").FullName;
        try
        {
            var path = Path.Combine(folder, OnnxPayloadFiles.GraphFileName);
            DebertaOnnxExporter.Write(proto, path, inlineWeightLimit);
            return new OnnxGraph(proto.ToByteArray(), folder, [OnnxPayloadFiles.GraphFileName + DebertaOnnxExporter.ExternalDataSuffix]);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Reads the .onnx file at <paramref name="path"/> and copies the side files it points to (if any) into a folder of its own.</summary>
    /// <exception cref="InvalidDataException">A side file is missing (named with <paramref name="where"/>) or lies outside the file's folder.</exception>
    public static OnnxGraph Read(string path, string where)
    {
        var model = File.ReadAllBytes(path);
        var dataFiles = OnnxExternalData.Locations(model, path);
        if (dataFiles.Count == 0)
            return new OnnxGraph(model, null, []);
        var source = Path.GetDirectoryName(path)!;
        var folder = Directory.CreateTempSubdirectory("deberta-onnx-").FullName;
        try
        {
            foreach (var file in dataFiles)
            {
                var from = Path.Combine(source, file);
                if (!File.Exists(from))
                    throw new InvalidDataException(
                        $"{where}: the ONNX graph keeps its weights in '{file}' beside '{Path.GetFileName(path)}', and that file is missing; copy it next to the .onnx file.");
                CopyInto(folder, file, from);
            }
            File.WriteAllBytes(Path.Combine(folder, OnnxPayloadFiles.GraphFileName), model);
            return new OnnxGraph(model, folder, dataFiles);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Opens an ONNX Runtime session on the graph (from memory, or from its folder when it has external data).</summary>
    public DebertaOnnxModel Load(string source, int padTokenId) => _folder is null
        ? DebertaOnnxModel.Load(_model, source, padTokenId)
        : DebertaOnnxModel.LoadFile(Path.Combine(_folder, OnnxPayloadFiles.GraphFileName), source, padTokenId);

    /// <summary>
    /// Opens a session and checks it with <paramref name="mismatch"/> (null when the graph fits the step, else the
    /// message); when the graph does not load or does not fit, the session and this graph are disposed.
    /// </summary>
    /// <exception cref="InvalidDataException">The graph does not load, or <paramref name="mismatch"/> gave a message.</exception>
    public DebertaOnnxModel Open(string source, int padTokenId, Func<DebertaOnnxModel, string?> mismatch)
    {
        DebertaOnnxModel? model = null;
        try
        {
            model = Load(source, padTokenId);
            return mismatch(model) is { } message ? throw new InvalidDataException(message) : model;
        }
        catch
        {
            model?.Dispose();
            Dispose();
            throw;
        }
    }

    /// <summary>Why <paramref name="model"/> is not <paramref name="what"/>: it lacks <paramref name="output"/> of shape [batch, sequence, <paramref name="size"/>]; null when it has it.</summary>
    public static string? TokenOutputMismatch(DebertaOnnxModel model, string source, string output, int size, string what)
    {
        var dims = model.OutputNames.Contains(output) ? model.OutputDimensions(output) : [];
        return dims.Count == 3 && (dims[2] < 0 || dims[2] == size) ? null
            : $"The ONNX graph '{source}' is not {what}: it has outputs [{string.Join(", ", model.OutputNames)}], " +
              $"and the step needs '{output}' of shape [batch, sequence, {size}].";
    }

    /// <summary>Writes <c>model.onnx</c> and its side files into <paramref name="folder"/>.</summary>
    public void Write(string folder)
    {
        File.WriteAllBytes(Path.Combine(folder, OnnxPayloadFiles.GraphFileName), _model);
        foreach (var file in DataFiles)
            CopyInto(folder, file, Path.Combine(_folder!, file));
    }

    public void Dispose()
    {
        if (_folder is not null && Directory.Exists(_folder))
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A session still mapping the file (Windows): the temporary folder is left for the OS to clean.
            }
        }
    }

    private static void CopyInto(string folder, string relative, string from)
    {
        var to = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }
}
