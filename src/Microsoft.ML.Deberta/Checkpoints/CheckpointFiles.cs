using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Finds and reads the weight files of a Hugging Face checkpoint folder into a state dict (name → tensor),
/// in the dtype they are stored in.
/// </summary>
public static class CheckpointFiles
{
    /// <summary>
    /// Reads the weights of an HF checkpoint folder: <c>model.safetensors</c>, a sharded
    /// <c>model.safetensors.index.json</c>, or <c>pytorch_model.bin</c> (in that order of preference).
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <returns>Tensors by their checkpoint key, on the CPU, in their stored dtype. The caller owns them.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no weight file.</exception>
    /// <exception cref="InvalidDataException">A weight file is corrupt.</exception>
    public static Dictionary<string, Tensor> ReadStateDict(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Checkpoint folder '{folder}' does not exist.");
        var safetensors = Path.Combine(folder, "model.safetensors");
        if (File.Exists(safetensors))
            return SafeTensorsFile.Read(safetensors);
        // TODO(checkpoint formats): sharded index and pytorch_model.bin arrive with the checkpoint-formats work.
        throw new FileNotFoundException(
            $"Checkpoint folder '{folder}' holds no weights: expected model.safetensors, model.safetensors.index.json or pytorch_model.bin.");
    }
}
