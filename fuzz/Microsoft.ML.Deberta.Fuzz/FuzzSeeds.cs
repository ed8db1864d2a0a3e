using System.IO.Compression;

namespace Microsoft.ML.Deberta.Fuzz;

/// <summary>
/// The starting inputs of each target: the golden files it parses (fixtures linked from the test data, which came
/// from transformers) plus the committed corpus under <c>fuzz/corpus/&lt;target&gt;/</c> (small hand-made seeds and
/// minimised inputs earlier runs found).
/// </summary>
internal static class FuzzSeeds
{
    private static string Fixture(string path) => Path.Combine(FuzzWorkspace.Fixtures, path);

    /// <summary>Golden files per target, under Fixtures/.</summary>
    private static readonly Dictionary<string, string[]> GoldenSeeds = new()
    {
        ["safetensors"] = ["v3_seqcls/model.safetensors"],
        ["pytorch-bin"] = ["v1_rel_seqcls/pytorch_model.bin"],
        ["config"] = ["v3_seqcls/config.json", "v1_rel_seqcls/config.json"],
        ["tokenizer-json"] = ["v3_seqcls/tokenizer.json"],
        ["tokenizer-config"] = ["v3_seqcls/tokenizer_config.json"],
        ["bpe-vocab"] = ["bpe/vocab.json"],
        ["bpe-merges"] = ["bpe/merges.txt"],
        ["spm-model"] = ["spm/spm.model"],
        ["onnx"] = ["onnx/model.onnx"],
    };

    /// <summary>Writes the seeds of <paramref name="target"/> into <paramref name="folder"/>; returns how many.</summary>
    public static int Write(FuzzTarget target, string folder)
    {
        Directory.CreateDirectory(folder);
        int count = 0;
        foreach (var path in GoldenSeeds.GetValueOrDefault(target.Name, []))
            File.Copy(Fixture(path), Path.Combine(folder, $"golden-{++count}-{Path.GetFileName(path)}"), overwrite: true);
        if (target.Name == "mlnet-zip")
            count += WriteSavedModels(folder);
        var committed = Path.Combine(AppContext.BaseDirectory, "Corpus", target.Name);
        if (Directory.Exists(committed))
            foreach (var file in Directory.GetFiles(committed))
                File.Copy(file, Path.Combine(folder, $"corpus-{++count}-{Path.GetFileName(file)}"), overwrite: true);
        return count;
    }

    /// <summary>All seed files of <paramref name="target"/> (written to a fresh folder under <paramref name="scratch"/>).</summary>
    public static string[] Files(FuzzTarget target, string scratch)
    {
        var folder = Path.Combine(scratch, target.Name);
        Write(target, folder);
        return Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// A real saved model (the golden v3 classifier applied as it is), once as <see cref="DebertaModelIO.Save"/> writes
    /// it and once with every entry stored rather than deflated, so mutations reach the manifest and payload bytes
    /// instead of stopping at the deflate stream.
    /// </summary>
    private static int WriteSavedModels(string folder)
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable([new TextRow { Text = "a fine day" }]);
        using var model = mlContext.Transforms.Deberta.ApplyTextModel(Fixture("v3_seqcls"), maxLength: 32).Fit(data);
        var saved = Path.Combine(folder, "golden-model.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, saved);
        using var source = ZipFile.OpenRead(saved);
        using var stored = ZipFile.Open(Path.Combine(folder, "golden-model-stored.zip"), ZipArchiveMode.Create);
        foreach (var entry in source.Entries)
        {
            using var from = entry.Open();
            using var to = stored.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
            from.CopyTo(to);
        }
        return 2;
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
