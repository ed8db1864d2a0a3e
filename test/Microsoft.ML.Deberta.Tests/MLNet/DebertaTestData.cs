using Microsoft.ML.Deberta.Configuration;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>Tokenizer, tiny configs and data for the tests that train real DeBERTa models through the ML.NET API.</summary>
internal static class DebertaTestData
{
    /// <summary>The bundled DeBERTa v1 tokenizer (GPT-2 byte-level BPE, 50,262 ids).</summary>
    public static string V1TokenizerFolder => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "tokenizer", "deberta-v1");

    public const int V1VocabularySize = 50262;

    /// <summary>The reference sequence classifier (3 labels, vocab_size 128) from transformers.</summary>
    public static string GoldenSequenceClassifier => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "models", "v1_rel_c2p_p2c", "seqcls");

    /// <summary>
    /// Texts the reference models (vocab_size 128) can read: single letters and digits separated by single punctuation
    /// marks, so that the v1 tokenizer gives one single-character token (id below 128) each, e.g. <c>a,k.3;x</c>.
    /// </summary>
    public static List<string> SingleCharacterTexts(int count, int seed)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        const string Marks = ",.;:!?-+=/";
        var random = new Random(seed);
        var texts = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var chars = new List<char>();
            int length = 1 + random.Next(6);
            for (int j = 0; j < length; j++)
            {
                if (j > 0)
                    chars.Add(Marks[random.Next(Marks.Length)]);
                chars.Add(Letters[random.Next(Letters.Length)]);
            }
            texts.Add(new string([.. chars]));
        }
        return texts;
    }

    /// <summary>A small DeBERTa v1 config with relative attention (c2p|p2c) over the v1 tokenizer's vocabulary.</summary>
    public static DebertaConfig SmallConfig(int hidden = 32, int layers = 1, int heads = 2, double dropout = 0.1) =>
        DebertaConfig.FromJson($$"""
        {
          "model_type": "deberta",
          "vocab_size": {{V1VocabularySize}},
          "hidden_size": {{hidden}},
          "num_hidden_layers": {{layers}},
          "num_attention_heads": {{heads}},
          "intermediate_size": {{hidden * 2}},
          "hidden_act": "gelu",
          "hidden_dropout_prob": {{dropout}},
          "attention_probs_dropout_prob": {{dropout}},
          "max_position_embeddings": 512,
          "type_vocab_size": 0,
          "relative_attention": true,
          "max_relative_positions": -1,
          "pos_att_type": "c2p|p2c",
          "position_biased_input": false,
          "pad_token_id": 0,
          "initializer_range": 0.02,
          "layer_norm_eps": 1e-7
        }
        """);
}

/// <summary>A labelled sentence (Yelp format: <c>sentence&lt;TAB&gt;label</c>).</summary>
public sealed class SentimentRow
{
    public string Text { get; set; } = "";

    /// <summary>"positive" or "negative".</summary>
    public string Sentiment { get; set; } = "";

    public bool Positive { get; set; }

    /// <summary>Reads a <c>sentence&lt;TAB&gt;0|1</c> file.</summary>
    public static List<SentimentRow> ReadTsv(string path) =>
        File.ReadAllLines(path).Where(l => l.Trim().Length > 0).Select((line, i) =>
        {
            int tab = line.LastIndexOf('\t');
            var label = tab < 0 ? "" : line[(tab + 1)..].Trim();
            if (label is not ("0" or "1"))
                throw new InvalidDataException($"{path}, line {i + 1}: expected 'sentence<TAB>0|1'.");
            return new SentimentRow { Text = line[..tab], Positive = label == "1", Sentiment = label == "1" ? "positive" : "negative" };
        }).ToList();
}
