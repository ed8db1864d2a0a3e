namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>The golden root's <c>onnx/&lt;name&gt;/</c> folders: checkpoint, torch's model.onnx, inputs and logits.</summary>
internal static class GoldenOnnxFolders
{
    /// <summary>Every folder with a config and reference outputs, in a stable order; none is a failure (see <see cref="GoldenData"/>).</summary>
    public static IReadOnlyList<string> FindAll()
    {
        var root = GoldenData.RequireFolder("onnx");
        var folders = Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "config.json")) && File.Exists(Path.Combine(d, "golden_outputs.safetensors")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
        if (folders.Count == 0)
            GoldenData.NothingToCompare("the golden root's onnx/ folder holds no model folders");
        return folders;
    }
}
