using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// Text embeddings against transformers: for every <c>models/&lt;variant&gt;/&lt;head&gt;/</c> folder under the golden
/// root with a reference <c>last_hidden_state</c>, the embedding path (length-sorted, re-padded batches, pooling,
/// window averaging) fed the stored rows gives the reference's masked mean (and [CLS], max, L2-normalised mean), the
/// reference pooled here in double precision from the stored tensor.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class EmbeddingParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void PooledEmbeddingsMatchTheReferenceLastHiddenState()
    {
        double worstMean = 0, worstOther = 0;
        int compared = 0;
        foreach (var path in GoldenModelFolder.FindAll())
        {
            using var golden = GoldenModelFolder.Open(path);
            if (golden.Get("last_hidden_state") is not { } hidden)
                continue;
            var (examples, lengths) = Rows(golden);
            var reference = hidden.to_type(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray();
            long rows = hidden.shape[0], length = hidden.shape[1], size = hidden.shape[2];
            using var model = DebertaCheckpoint.Load<DebertaModel>(path);
            foreach (var pooling in Enum.GetValues<EmbeddingPooling>())
            {
                foreach (bool normalize in new[] { false, true })
                {
                    var ours = EmbeddingPredictor.Embed(model, examples, (int)rows, batchSize: 2, pooling, normalize);
                    for (int r = 0; r < rows; r++)
                    {
                        var expected = Pool(reference, r, lengths[r], length, size, pooling, normalize);
                        for (int d = 0; d < size; d++)
                        {
                            double delta = Math.Abs(ours[r][d] - expected[d]);
                            if (pooling == EmbeddingPooling.Mean && !normalize)
                                worstMean = Math.Max(worstMean, delta);
                            else
                                worstOther = Math.Max(worstOther, delta);
                            Assert.IsLessThan(1e-5, delta, $"{golden.Name}, {pooling}{(normalize ? " normalised" : "")}, row {r}, dim {d}: ours {ours[r][d]}, reference {expected[d]}");
                        }
                    }
                }
            }
            compared++;
        }
        if (compared == 0)
            GoldenData.NothingToCompare($"no models/*/*/ folder with last_hidden_state under {GoldenModelFolder.Root}");
        TestContext.WriteLine($"embeddings: {compared} golden folder(s) compared; max |Δ| mean pooling {worstMean:E2}, other poolings {worstOther:E2}");
    }

    // The stored batch as unpadded examples (the embedding path pads them again, sorted by length).
    private static (List<EncodedExample> Examples, int[] Lengths) Rows(GoldenModelFolder golden)
    {
        var ids = golden.Input("input.input_ids");
        long rows = ids.shape[0], length = ids.shape[1];
        var idValues = ids.to_type(TorchSharp.torch.ScalarType.Int64).data<long>().ToArray();
        var mask = golden.Get("input.attention_mask")?.to_type(TorchSharp.torch.ScalarType.Int64).data<long>().ToArray();
        var types = golden.Get("input.token_type_ids")?.to_type(TorchSharp.torch.ScalarType.Int64).data<long>().ToArray();
        var examples = new List<EncodedExample>();
        var lengths = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int n = 0;
            while (n < length && (mask is null || mask[r * length + n] != 0))
                n++;
            lengths[r] = n;
            examples.Add(new EncodedExample(
                Enumerable.Range(0, n).Select(t => (int)idValues[r * length + t]).ToArray(),
                Enumerable.Range(0, n).Select(t => types is null ? 0 : (int)types[r * length + t]).ToArray(), r));
        }
        return (examples, lengths);
    }

    private static double[] Pool(double[] hidden, int row, int tokens, long length, long size, EmbeddingPooling pooling, bool normalize)
    {
        var result = new double[size];
        for (int d = 0; d < size; d++)
        {
            double Value(int t) => hidden[(row * length + t) * size + d];
            result[d] = pooling switch
            {
                EmbeddingPooling.Cls => Value(0),
                EmbeddingPooling.Max => Enumerable.Range(0, tokens).Max(Value),
                _ => Enumerable.Range(0, tokens).Sum(Value) / tokens,
            };
        }
        if (normalize)
        {
            double norm = Math.Sqrt(result.Sum(v => v * v));
            for (int d = 0; d < size; d++)
                result[d] /= norm;
        }
        return result;
    }
}
