using System.Text.Json;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// The index of a sharded checkpoint (<c>model.safetensors.index.json</c> or <c>pytorch_model.bin.index.json</c>):
/// its <c>weight_map</c> says which shard file of the folder holds each tensor.
/// </summary>
internal sealed class ShardedCheckpointIndex
{
    // Real indexes are tens of kB; a bigger file is not an index.
    private const long MaxIndexBytes = 64L << 20;

    private ShardedCheckpointIndex(string path, Dictionary<string, string> weightMap, List<string> shards)
    {
        Path = path;
        WeightMap = weightMap;
        ShardFiles = shards;
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <summary>Tensor key → shard file name (inside the index's folder).</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The shard file names, each once, in the order the index first names them.</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <summary>Reads and checks an index file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid UTF-8 JSON, has no <c>weight_map</c>, or names a shard outside its folder.</exception>
    public static ShardedCheckpointIndex Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxIndexBytes)
            throw new InvalidDataException(
                $"Sharded checkpoint index '{path}' is {info.Length} bytes, more than the limit of {MaxIndexBytes} bytes for an index (about a million tensors).");
        var bytes = File.ReadAllBytes(path);
        // JsonDocument checks UTF-8 only when a string is read (an InvalidOperationException then): check it up front.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw new InvalidDataException($"Sharded checkpoint index '{path}' is not valid UTF-8 text.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Sharded checkpoint index '{path}' is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Sharded checkpoint index '{path}' has no 'weight_map' object.");
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            var shards = new List<string>();
            foreach (var item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"Sharded checkpoint index '{path}' maps '{item.Name}' to {item.Value.ValueKind}, not a shard file name.");
                string shard = item.Value.GetString()!;
                // Shards sit next to the index; a path would let a downloaded index read any file of the machine.
                if (shard.Length == 0 || shard is "." or ".." || shard.IndexOfAny(['/', '\\', ':']) >= 0)
                    throw new InvalidDataException($"Sharded checkpoint index '{path}' maps '{item.Name}' to '{shard}', which is not a file name in its folder.");
                if (!weightMap.TryAdd(item.Name, shard))
                    throw new InvalidDataException($"Sharded checkpoint index '{path}' lists '{item.Name}' twice.");
                if (!shards.Contains(shard)) shards.Add(shard);
            }
            if (weightMap.Count == 0)
                throw new InvalidDataException($"Sharded checkpoint index '{path}' has an empty 'weight_map'.");
            return new ShardedCheckpointIndex(path, weightMap, shards);
        }
    }

    /// <summary>
    /// Checks that every shard holds exactly the keys the index assigns to it.
    /// </summary>
    /// <param name="keysByShard">The keys each shard file of <see cref="ShardFiles"/> holds.</param>
    /// <exception cref="InvalidDataException">A key is in a shard the index does not assign it to, or assigned to a shard that lacks it.</exception>
    public void Check(IReadOnlyDictionary<string, IReadOnlyList<string>> keysByShard)
    {
        // Keys held in the wrong place first: that message can name both the shard and the one the index says.
        foreach (var (shard, keys) in keysByShard)
            foreach (var key in keys)
            {
                if (!WeightMap.TryGetValue(key, out var listed))
                    throw new InvalidDataException($"Shard '{shard}' holds tensor '{key}', which the index '{Path}' does not list.");
                if (listed != shard)
                    throw new InvalidDataException($"Shard '{shard}' holds tensor '{key}', but the index '{Path}' says it is in shard '{listed}'.");
            }
        foreach (var (shard, keys) in keysByShard)
        {
            var held = new HashSet<string>(keys, StringComparer.Ordinal);
            var missing = WeightMap.Where(kv => kv.Value == shard && !held.Contains(kv.Key)).Select(kv => kv.Key).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException(
                    $"The index '{Path}' lists {missing.Count} tensor(s) in shard '{shard}' that the shard does not hold: {string.Join(", ", missing.Take(5).Select(k => $"'{k}'"))}{(missing.Count > 5 ? ", …" : "")}.");
        }
    }
}
