using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>
/// The ONNX Runtime anchor's graphs, copied to a writable folder with their external weights generated there once —
/// the anchor harness's <c>gen-weights</c>: float32 little-endian, N(0, 0.02) by Box–Muller, seed 1234.
/// </summary>
internal static class AnchorGraphs
{
    private const int Seed = 1234;

    /// <summary>The folder holding model.onnx, config.json and weights.bin of <paramref name="model"/>, ready to load.</summary>
    public static string Prepare(BenchOptions options, string model)
    {
        string source = Path.Combine(options.Anchor, "graphs", model);
        string target = Path.Combine(options.Work, "graphs", model);
        Directory.CreateDirectory(target);
        foreach (var name in new[] { "model.onnx", "config.json", "weights_layout.json" })
            File.Copy(Path.Combine(source, name), Path.Combine(target, name), overwrite: true);
        using var layout = JsonDocument.Parse(File.ReadAllText(Path.Combine(target, "weights_layout.json")));
        var root = layout.RootElement;
        string weights = Path.Combine(target, root.GetProperty("file").GetString()!);
        long total = root.GetProperty("total_bytes").GetInt64();
        if (!File.Exists(weights) || new FileInfo(weights).Length != total)
            GenerateWeights(root, weights, total);
        return target;
    }

    private static void GenerateWeights(JsonElement root, string path, long total)
    {
        var tensors = root.GetProperty("tensors").EnumerateArray()
            .Select(t => (Name: t.GetProperty("name").GetString()!,
                          Count: t.GetProperty("dims").EnumerateArray().Aggregate(1L, (a, d) => a * d.GetInt64()),
                          Offset: t.GetProperty("offset").GetInt64(),
                          Length: t.GetProperty("length").GetInt64()))
            .OrderBy(t => t.Offset).ToList();
        var clock = Stopwatch.StartNew();
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.SetLength(total);
            var random = new Random(Seed);
            foreach (var t in tensors)
            {
                if (t.Count * 4 != t.Length) throw new InvalidDataException($"weights_layout.json: {t.Name} has {t.Count} elements but {t.Length} bytes.");
                stream.Position = t.Offset;
                var buffer = new float[Math.Min(t.Count, 1 << 20)];
                for (long left = t.Count; left > 0;)
                {
                    int k = (int)Math.Min(left, buffer.Length);
                    for (int i = 0; i < k; i += 2)
                    {
                        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                        double r = Math.Sqrt(-2.0 * Math.Log(u1)) * 0.02;
                        buffer[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
                        if (i + 1 < k) buffer[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
                    }
                    stream.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, k)));
                    left -= k;
                }
            }
        }
        File.Move(temporary, path, overwrite: true);
        Console.WriteLine($"# wrote {path}: {tensors.Count} tensors, {total / 1e6:F0} MB in {clock.Elapsed.TotalSeconds:F1} s (once)");
    }
}
