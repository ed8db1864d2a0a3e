using System.Text.Json;
using Microsoft.ML.Deberta.Checkpoints;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// One <c>models/&lt;variant&gt;/&lt;head&gt;/</c> folder of transformers reference outputs: config, weights and
/// <c>golden_outputs.safetensors</c> (inputs, labels, outputs, gradients).
/// </summary>
internal sealed class GoldenModelFolder : IDisposable
{
    private GoldenModelFolder(string path, string modelType, Dictionary<string, Tensor> tensors)
    {
        Path = path;
        ModelType = modelType;
        Tensors = tensors;
    }

    public string Path { get; }

    /// <summary>"variant/head", for messages.</summary>
    public string Name => System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(Path)!) + "/" + System.IO.Path.GetFileName(Path);

    public string ModelType { get; }

    public Dictionary<string, Tensor> Tensors { get; }

    public Tensor? Get(string key) => Tensors.TryGetValue(key, out var t) ? t : null;

    public Tensor Input(string key) => Tensors[key];

    public bool HasGradients => Tensors.Keys.Any(k => k.StartsWith("grad.", StringComparison.Ordinal));

    public bool HasPytorchBin => File.Exists(System.IO.Path.Combine(Path, "pytorch_model.bin"));

    /// <summary>The golden root (see <see cref="GoldenData"/>).</summary>
    public static string Root => GoldenData.Root;

    /// <summary>Every <c>models/*/*/</c> folder holding a config, weights and reference outputs, in a stable order.</summary>
    public static IReadOnlyList<string> FindAll()
    {
        var models = GoldenData.RequireFolder("models");
        return Directory.GetDirectories(models)
            .SelectMany(Directory.GetDirectories)
            .Where(d => File.Exists(System.IO.Path.Combine(d, "config.json")) && File.Exists(System.IO.Path.Combine(d, "golden_outputs.safetensors")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
    }

    public static GoldenModelFolder Open(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(path, "config.json")));
        var modelType = doc.RootElement.GetProperty("model_type").GetString()!;
        var tensors = SafeTensorsFile.Read(System.IO.Path.Combine(path, "golden_outputs.safetensors"));
        return new GoldenModelFolder(path, modelType, tensors);
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
