namespace Microsoft.ML.Deberta.Samples.WebApi;

/// <summary>
/// A small DeBERTa sentiment classifier trained from scratch on the bundled Yelp sentences (a minute on two cores),
/// for serving when no model is given: small enough to train here, large enough that a forward pass costs something.
/// </summary>
internal static class TinyModel
{
    private sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    public static void Train(MLContext mlContext, string path, ILogger log, CancellationToken cancellationToken)
    {
        var data = Path.Combine(AppContext.BaseDirectory, "Data");
        var rows = File.ReadAllLines(Path.Combine(data, "yelp_labelled.txt")).Where(l => l.Contains('\t'))
            .Select(l => new Row { Text = l[..l.LastIndexOf('\t')], Label = l[(l.LastIndexOf('\t') + 1)..].Trim() == "1" ? "positive" : "negative" })
            .ToList();
        log.LogInformation("No model given: training a small classifier on {Count} Yelp sentences, to save at {Path}.", rows.Count, path);
        var config = Configuration.DebertaConfig.FromJson("""
            {
              "model_type": "deberta", "vocab_size": 50262, "hidden_size": 128, "num_hidden_layers": 4,
              "num_attention_heads": 4, "intermediate_size": 512, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 512, "type_vocab_size": 0,
              "relative_attention": true, "max_relative_positions": -1, "pos_att_type": "c2p|p2c",
              "position_biased_input": false, "pad_token_id": 0, "initializer_range": 0.02, "layer_norm_eps": 1e-7
            }
            """);
        var training = mlContext.Data.LoadFromEnumerable(rows);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Deberta.TextClassification(config, Path.Combine(data, "tokenizer"), maxLength: 64, batchSize: 32,
                epochs: 1, learningRate: 1e-3, cancellationToken: cancellationToken))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        using var model = pipeline.Fit(training);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DebertaModelIO.Save(mlContext, model, training.Schema, path);
        log.LogInformation("Saved the small classifier to {Path}.", path);
    }
}
