using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The rows of the relative-embedding table that attention over L tokens reads, and for every (query, key) pair the
/// row its c2p and p2c terms read. The encoder builds this once per forward pass; every layer shares it.
/// </summary>
/// <remarks>
/// transformers projects the whole attention span (2S rows) in every layer, multiplies every query and key with every
/// projected row, and then gathers one column per pair at clamp(δ(i − j) + S, 0, 2S − 1), δ being the identity (v1)
/// or the log bucket (v2/v3). Rows outside [first, last] of those indices are computed but never gathered, and a
/// projected row and its dot products depend on that row alone, so projecting only rows first…last and gathering at
/// index − first gives the same values with less work. δ is monotonic and odd, so the reachable rows are a window
/// around S: for deberta-v3 (S = 256) and L = 128 that is rows 129…383, 255 of 512; once L is long enough for the clamp
/// to bind (v3: |i − j| ≥ 512) every row is reachable and nothing is dropped.
/// </remarks>
internal sealed class RelativeEmbeddingRows
{
    private RelativeEmbeddingRows(Tensor wholeTable, long firstRow, Tensor table, Tensor c2pIndex, long? c2pDiagonalStart, Tensor p2cFlatIndex)
    {
        WholeTable = wholeTable;
        FirstRow = firstRow;
        Table = table;
        C2PIndex = c2pIndex;
        C2PDiagonalStart = c2pDiagonalStart;
        P2CFlatIndex = p2cFlatIndex;
    }

    /// <summary>(R, D): the reachable rows of the relative-embedding table, in table order.</summary>
    public Tensor Table { get; }

    /// <summary>
    /// The encoder's whole relative-embedding table (layer-normed when the config says so), of which <see cref="Table"/>
    /// is rows <see cref="FirstRow"/>… : what an inference model projects once and keeps (see DisentangledSelfAttention).
    /// </summary>
    public Tensor WholeTable { get; }

    /// <summary>The row of <see cref="WholeTable"/> that is <see cref="Table"/>'s first.</summary>
    public long FirstRow { get; }

    /// <summary>(L, L) int64: for query i and key j, the row of <see cref="Table"/> that c2p reads (Q_i · PK_row).</summary>
    public Tensor C2PIndex { get; }

    /// <summary>
    /// When <see cref="C2PIndex"/>[i, j] = start + i − j for every pair (no clamp or log bucket binds at this length:
    /// v1 up to max_relative_positions, v2/v3 up to half the position buckets), that start; otherwise null.
    /// </summary>
    public long? C2PDiagonalStart { get; }

    /// <summary>
    /// (L·L) int64, query-major: at i·L + j, where the p2c term of query i and key j is in key j's R products
    /// (K_j · PQ_r for every row r of <see cref="Table"/>, flattened to j·R + r): j·R + t, t the row it reads.
    /// transformers gathers p2c key-major, at an (L, L) index whose [j, i] is t, and transposes the result; gathering
    /// the flattened products here writes the term in the (query, key) layout directly.
    /// </summary>
    public Tensor P2CFlatIndex { get; }

    /// <summary>
    /// v1: the span is S = min(L, max_relative_positions) and transformers slices the 2M-row table to rows
    /// [M − S, M + S) before indexing it at clamp(i − j + S, 0, 2S − 1).
    /// </summary>
    /// <param name="table">The encoder's (2M, D) relative-embedding table.</param>
    /// <param name="length">The sequence length L (queries and keys).</param>
    /// <param name="maxRelativePositions">M, the effective max_relative_positions.</param>
    public static RelativeEmbeddingRows ForV1(Tensor table, long length, int maxRelativePositions)
    {
        using var scope = NewDisposeScope();
        long span = Math.Min(length, maxRelativePositions);
        var rows = Reachable(table, maxRelativePositions - span, RelativePositions.Build(length, table.device), span);
        return rows.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// v2/v3: the span is S = position_buckets (or max_relative_positions without buckets), fixed, and the whole
    /// 2S-row table is indexed at clamp(bucket(i − j) + S, 0, 2S − 1).
    /// </summary>
    /// <param name="table">The encoder's (2S, D) relative-embedding table, already layer-normed when the config says so.</param>
    /// <param name="length">The sequence length L (queries and keys).</param>
    /// <param name="positionBuckets">position_buckets; ≤ 0 for plain i − j.</param>
    /// <param name="maxRelativePositions">The effective max_relative_positions.</param>
    public static RelativeEmbeddingRows ForV2(Tensor table, long length, int positionBuckets, int maxRelativePositions)
    {
        using var scope = NewDisposeScope();
        long span = positionBuckets > 0 ? positionBuckets : maxRelativePositions;
        var relative = RelativePositions.BuildBucketed(length, positionBuckets, maxRelativePositions, table.device);
        var rows = Reachable(table, 0, relative, span);
        return rows.MoveToOuterDisposeScope();
    }

    // The indices transformers gathers at (c2p: rel + S, p2c: −rel + S, both clamped to the 2S-row window that starts
    // at row windowStart of the whole table), then only the rows they reach, with the indices shifted down by the
    // first of them.
    private static RelativeEmbeddingRows Reachable(Tensor wholeTable, long windowStart, Tensor relativePos, long span)
    {
        using Scalar spanScalar = span.ToScalar(), top = (span * 2 - 1).ToScalar();   // see TorchScalars
        var c2p = torch.clamp(relativePos.squeeze(0).add(spanScalar, TorchScalars.One), TorchScalars.Zero, top);
        var p2c = torch.clamp((-relativePos.squeeze(0)).add(spanScalar, TorchScalars.One), TorchScalars.Zero, top);
        long first = Math.Min(c2p.min().item<long>(), p2c.min().item<long>());
        long last = Math.Max(c2p.max().item<long>(), p2c.max().item<long>());
        using var firstScalar = first.ToScalar();
        // p2c[j, i] is key j's row for query i; transposed, query-major, plus j·R for key j's place in the products.
        long length = p2c.shape[0], rows = last - first + 1;
        using Scalar rowsScalar = rows.ToScalar();
        var keyOffsets = torch.arange(length, ScalarType.Int64, p2c.device).mul(rowsScalar);
        var p2cFlat = p2c.sub(firstScalar).t().add(keyOffsets, TorchScalars.One).reshape(-1);
        var c2pRows = c2p.sub(firstScalar);
        return new RelativeEmbeddingRows(wholeTable.alias(), windowStart + first,
            wholeTable[TensorIndex.Slice(windowStart + first, windowStart + last + 1)], c2pRows, DiagonalStart(c2pRows), p2cFlat);
    }

    // start when index[i, j] = start + i − j for all i, j; otherwise null.
    private static long? DiagonalStart(Tensor index)
    {
        using var scope = NewDisposeScope();
        long start = index[0, 0].item<long>();
        using Scalar startScalar = start.ToScalar();
        var band = RelativePositions.Build(index.shape[0], index.device).squeeze(0).add(startScalar, TorchScalars.One);
        return band.eq(index).all().item<bool>() ? start : null;
    }

    private RelativeEmbeddingRows MoveToOuterDisposeScope()
    {
        WholeTable.MoveToOuterDisposeScope();
        Table.MoveToOuterDisposeScope();
        C2PIndex.MoveToOuterDisposeScope();
        P2CFlatIndex.MoveToOuterDisposeScope();
        return this;
    }
}
