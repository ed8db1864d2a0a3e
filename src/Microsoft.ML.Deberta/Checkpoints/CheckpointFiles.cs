using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Finds and reads the weight files of a Hugging Face checkpoint folder into a state dict (name → tensor),
/// in the dtype they are stored in.
/// </summary>
internal static class CheckpointFiles
{
    /// <summary>The single-file safetensors weights, <c>model.safetensors</c>.</summary>
    public const string SafeTensorsFileName = "model.safetensors";

    /// <summary>The index of sharded safetensors weights, <c>model.safetensors.index.json</c>.</summary>
    public const string SafeTensorsIndexFileName = "model.safetensors.index.json";

    /// <summary>The single-file PyTorch weights, <c>pytorch_model.bin</c>.</summary>
    public const string PyTorchFileName = "pytorch_model.bin";

    /// <summary>The index of sharded PyTorch weights, <c>pytorch_model.bin.index.json</c>.</summary>
    public const string PyTorchIndexFileName = "pytorch_model.bin.index.json";

    // In the order transformers prefers them.
    private static readonly string[] WeightFileNames = [SafeTensorsFileName, SafeTensorsIndexFileName, PyTorchFileName, PyTorchIndexFileName];

    /// <summary>
    /// Reads the weights of an HF checkpoint folder: <c>model.safetensors</c>, a sharded
    /// <c>model.safetensors.index.json</c>, or <c>pytorch_model.bin</c> (in that order of preference;
    /// a sharded <c>pytorch_model.bin.index.json</c> comes last).
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="limits">Size limits on headers and pickles (<see cref="CheckpointFileLimits.Default"/> when null).</param>
    /// <returns>Tensors by their checkpoint key, on the CPU, in their stored dtype. The caller owns them.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no weight file, or an index names a shard that does not exist.</exception>
    /// <exception cref="InvalidDataException">A weight file is corrupt, or a shard and its index disagree.</exception>
    public static Dictionary<string, Tensor> ReadStateDict(string folder, CheckpointFileLimits? limits = null)
    {
        limits ??= CheckpointFileLimits.Default;
        var files = ListWeightFiles(folder);
        if (files.Count == 0)
            throw new FileNotFoundException(DescribeMissingWeights(folder));
        var path = Path.Combine(folder, files[0]);
        long header = limits.MaxSafetensorsHeaderBytes, pickle = limits.MaxPickleBytes;
        return files[0] switch
        {
            SafeTensorsFileName => SafeTensorsFile.Read(path, header),
            PyTorchFileName => PyTorchBinFile.Read(path, pickle),
            SafeTensorsIndexFileName => ReadSharded(path, p => SafeTensorsFile.Read(p, header), p => SafeTensorsFile.ReadHeader(p, header).Select(e => e.Name)),
            _ => ReadSharded(path, p => PyTorchBinFile.Read(p, pickle), p => PyTorchBinFile.ReadKeys(p, pickle)),
        };
    }

    /// <summary>
    /// The state-dict keys of the weights <see cref="ReadStateDict"/> would read, from the files' headers (or the
    /// shard index) alone, without reading tensor data.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder holds no weight file.</exception>
    /// <exception cref="InvalidDataException">A header or index is corrupt.</exception>
    internal static IReadOnlyList<string> ReadKeys(string folder, CheckpointFileLimits? limits = null)
    {
        limits ??= CheckpointFileLimits.Default;
        var files = ListWeightFiles(folder);
        if (files.Count == 0)
            throw new FileNotFoundException(DescribeMissingWeights(folder));
        var path = Path.Combine(folder, files[0]);
        return files[0] switch
        {
            SafeTensorsFileName => [.. SafeTensorsFile.ReadHeader(path, limits.MaxSafetensorsHeaderBytes).Select(e => e.Name)],
            PyTorchFileName => PyTorchBinFile.ReadKeys(path, limits.MaxPickleBytes),
            _ => [.. ShardedCheckpointIndex.Read(path).WeightMap.Keys],
        };
    }

    /// <summary>
    /// Lists the weight files of an HF checkpoint folder that <see cref="ReadStateDict"/> understands, in its order of
    /// preference: the first is the one it reads.
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <returns>File names (without the folder): <c>model.safetensors</c>, <c>model.safetensors.index.json</c>,
    /// <c>pytorch_model.bin</c>, <c>pytorch_model.bin.index.json</c>, those present. Empty when there are none.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<string> ListWeightFiles(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Checkpoint folder '{folder}' does not exist.");
        return [.. WeightFileNames.Where(name => File.Exists(Path.Combine(folder, name)))];
    }

    private static Dictionary<string, Tensor> ReadSharded(
        string indexPath, Func<string, Dictionary<string, Tensor>> read, Func<string, IEnumerable<string>> readKeys)
    {
        var index = ShardedCheckpointIndex.Read(indexPath);
        var folder = Path.GetDirectoryName(indexPath)!;
        // Everything the index claims is checked against the shards' headers before any tensor data is read.
        foreach (var shard in index.ShardFiles)
        {
            var shardPath = Path.Combine(folder, shard);
            if (!File.Exists(shardPath))
                throw new FileNotFoundException($"The index '{indexPath}' names shard '{shard}', which does not exist in '{folder}'.", shardPath);
        }
        index.Check(index.ShardFiles.ToDictionary(shard => shard, shard => (IReadOnlyList<string>)[.. readKeys(Path.Combine(folder, shard))]));

        var result = new Dictionary<string, Tensor>(index.WeightMap.Count, StringComparer.Ordinal);
        try
        {
            foreach (var shard in index.ShardFiles)
                foreach (var (key, tensor) in read(Path.Combine(folder, shard)))
                    result.Add(key, tensor);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    private static string DescribeMissingWeights(string folder)
    {
        var present = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var message = $"Checkpoint folder '{folder}' holds no weights: expected {SafeTensorsFileName}, {SafeTensorsIndexFileName}, {PyTorchFileName} or {PyTorchIndexFileName}";
        if (present.Count == 0)
            return message + "; the folder is empty.";
        message += $"; it holds {string.Join(", ", present.Take(10))}{(present.Count > 10 ? ", …" : "")}.";
        if (present.Any(name => name is "tf_model.h5" or "flax_model.msgpack"))
            message += " TensorFlow and Flax weights are not supported; convert the checkpoint to model.safetensors.";
        return message;
    }
}
