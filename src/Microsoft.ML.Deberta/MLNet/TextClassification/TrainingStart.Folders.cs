using Microsoft.ML.Deberta.Checkpoints;

namespace Microsoft.ML.Deberta.MLNet;

internal sealed partial class TrainingStart
{
    /// <summary>The full path of a checkpoint folder to train from, after checking it has config.json and weights.</summary>
    /// <param name="folder">The folder as given (ModelFolder).</param>
    /// <param name="method">The catalog method, for messages.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It lacks config.json or weights.</exception>
    internal static string RequireCheckpointFolder(string folder, string method)
    {
        var weights = Path.GetFullPath(folder);
        if (!Directory.Exists(weights))
            throw new DirectoryNotFoundException(
                $"{method}: the model folder '{weights}' does not exist. Check the path (a relative path starts from '{Environment.CurrentDirectory}').");
        if (!File.Exists(Path.Combine(weights, "config.json")))
            throw new FileNotFoundException(
                $"{method}: the model folder '{weights}' has no config.json; point ModelFolder at a Hugging Face checkpoint folder.",
                Path.Combine(weights, "config.json"));
        if (CheckpointFiles.ListWeightFiles(weights).Count == 0)
            throw new FileNotFoundException(
                $"{method}: the model folder '{weights}' has no weights (model.safetensors or pytorch_model.bin). Copy them there " +
                "from the checkpoint, or train a new model from Config and TokenizerFolder instead of ModelFolder.", Path.Combine(weights, "model.safetensors"));
        return weights;
    }
}
