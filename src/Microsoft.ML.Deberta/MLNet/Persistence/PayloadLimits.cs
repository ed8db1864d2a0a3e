namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Bounds on one step's payload that <c>DebertaModelIO.Load</c> checks before it writes anything to disk, so a crafted
/// .zip (a deflate bomb, millions of entries) cannot fill the disk. The defaults leave room for the largest DeBERTa
/// checkpoints (deberta-v2-xxlarge is about 6 GB in float32) and refuse what no model payload looks like.
/// </summary>
internal sealed record PayloadLimits
{
    /// <summary>The defaults.</summary>
    public static PayloadLimits Default { get; } = new();

    /// <summary>Files per step (a step has about ten; sharded weights add one per shard).</summary>
    public int MaxEntries { get; init; } = 1_000;

    /// <summary>Unpacked bytes of one file.</summary>
    public long MaxEntryBytes { get; init; } = 16L << 30;

    /// <summary>Unpacked bytes of all of a step's files.</summary>
    public long MaxTotalBytes { get; init; } = 32L << 30;

    /// <summary>
    /// How many times its packed size a file over <see cref="ExpansionCheckedFrom"/> bytes may unpack to: weights hardly
    /// compress and tokenizer files shrink about 2–5 times, while a deflate bomb expands about 1000 times.
    /// </summary>
    public double MaxExpansion { get; init; } = 100;

    /// <summary>Files up to this size may expand more (a small file of repeated text compresses well).</summary>
    public long ExpansionCheckedFrom { get; init; } = 1L << 20;
}
