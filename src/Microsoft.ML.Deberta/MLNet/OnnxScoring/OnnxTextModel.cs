namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The estimator of <c>ApplyOnnxTextModel</c>: scores with a sequence classifier exported to ONNX (by
/// <c>DebertaOnnxExporter</c> or transformers' <c>torch.onnx.export</c>) through ONNX Runtime, with the columns
/// <c>ApplyTextModel</c> gives the same checkpoint. The checkpoint's <c>config.json</c> beside the .onnx file gives the
/// labels, num_labels and pad_token_id; the tokenizer files are read from the same folder unless another is given.
/// </summary>
internal static class OnnxTextModel
{
    private const string Method = "ApplyOnnxTextModel";

    /// <summary>Checks the file, config and tokenizer folder now; the graph is loaded at <c>Fit</c>, every fit its own session.</summary>
    public static PretrainedScorerEstimator Create(DebertaCatalog catalog, string onnxPath, string? tokenizerFolder, TextColumns columns,
        TextEncodingSettings encoding, int batchSize)
    {
        var path = Path.GetFullPath(onnxPath);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{Method}: no ONNX file at '{path}'. Export one with DebertaOnnxExporter.Export, or check the path " +
                $"(a relative path starts from '{Environment.CurrentDirectory}').", path);
        var folder = Path.GetDirectoryName(path)!;
        if (!File.Exists(Path.Combine(folder, "config.json")))
            throw new FileNotFoundException(
                $"{Method}: '{folder}' has no config.json beside '{Path.GetFileName(path)}'; the step reads the model's labels (id2label), " +
                "num_labels and pad_token_id from it. Copy the config.json of the checkpoint the graph was exported from next to the .onnx file.",
                Path.Combine(folder, "config.json"));
        var checkpoint = PretrainedFolder.Open(Method, folder, tokenizerFolder, encoding.MaxLength);
        var predictions = PretrainedTextModel.CheckedPredictions(Method, checkpoint, nameof(onnxPath));
        var settings = new OnnxScorerSettings { OutputSize = checkpoint.Config.NumLabels, PadTokenId = checkpoint.Config.PadTokenId ?? 0 };
        return new PretrainedScorerEstimator(catalog, Method, columns, predictions, batchSize,
            _ => new OnnxTextScorer(checkpoint.LoadTokenizer(), OnnxGraph.Read(path, Method), path, settings, encoding, batchSize));
    }
}
