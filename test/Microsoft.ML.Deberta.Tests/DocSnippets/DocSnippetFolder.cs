using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.DocSnippets;

/// <summary>
/// The folder a snippet runs in, as the documents' reader would have it: the paths the snippets name, relative to the
/// current folder, filled from the test data. An entry is made only when the snippet mentions it. To let a new
/// snippet use another file or model, add it to <see cref="Entries"/> (and to docs/snippets.md).
/// </summary>
internal static class DocSnippetFolder
{
    /// <summary>Relative path → how to make it there. The checkpoints are tiny Hugging Face folders transformers saved
    /// (random weights: no pre-trained model is available to the tests).</summary>
    private static readonly (string Path, Action<string> Make)[] Entries =
    [
        ("models/my-deberta-classifier", to => CopyCheckpoint("v3_seqcls", to)),   // DebertaV2ForSequenceClassification, 3 labels
        ("models/my-deberta-ner", to => CopyCheckpoint("v1_tokcls", to)),          // DebertaForTokenClassification
        ("models/my-deberta-qa", to => CopyCheckpoint("v1_qa", to)),               // DebertaForQuestionAnswering
        ("models/my-deberta-mlm", to => CopyCheckpoint("v3_mlm", to)),             // DebertaV2ForMaskedLM (fill-mask)
        ("models/my-deberta-nli", WriteNliClassifier),                             // zero-shot: NLI-labelled classifier
        ("models/my-deberta-reranker", WriteCrossEncoder),                         // pair scoring: one logit
        ("models/deberta-base", WriteBackbone),                                    // a backbone to fine-tune
        ("yelp_labelled.txt", to => File.Copy(TestData("sentiment", "yelp_labelled.txt"), to)),   // 1,000 sentence<TAB>0|1 lines
        ("yelp_ner.conll", WriteNerSentences),                                     // 200 CoNLL sentences, FOOD/STAFF tags
    ];

    /// <summary>A new temporary folder holding what <paramref name="code"/> mentions.</summary>
    public static string Create(string code)
    {
        var folder = Directory.CreateTempSubdirectory("deberta-snippet-").FullName;
        foreach (var (path, make) in Entries.Where(e => code.Contains(e.Path, StringComparison.Ordinal)))
        {
            var to = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            make(to);
        }
        return folder;
    }

    private static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    // The golden_* files are transformers' reference outputs, not part of the checkpoint.
    private static void CopyCheckpoint(string pipelineFolder, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(TestData("golden", "pipelines", pipelineFolder))
                     .Where(f => !Path.GetFileName(f).StartsWith("golden_", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    // No NLI checkpoint is bundled: the v3 classifier (3 labels) with its labels named as an MNLI model names them.
    private static void WriteNliClassifier(string to)
    {
        CopyCheckpoint("v3_seqcls", to);
        var configPath = Path.Combine(to, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        CheckpointFolder.Labels("contradiction", "neutral", "entailment")(config);
        File.WriteAllText(configPath, config.ToJsonString());
    }

    // A cross-encoder: a sequence classifier with a single logit, over the v1 tokenizer (so any English text encodes).
    private static void WriteCrossEncoder(string to)
    {
        var config = DebertaTestData.SmallConfig(hidden: 32, layers: 1);
        config.NumLabels = 1;
        using (var model = new DebertaForSequenceClassification(config, seed: 3))
            model.SavePretrained(to);
        CopyV1Tokenizer(to);
    }

    // The first 200 sentences of the Yelp NER file (TestData/ner/README.md): enough to train on, quick enough to run every time.
    private static void WriteNerSentences(string to)
    {
        var sentences = File.ReadAllText(TestData("ner", "yelp_ner.conll")).ReplaceLineEndings("\n").Split("\n\n");
        File.WriteAllText(to, string.Join("\n\n", sentences.Take(200)) + "\n");
    }

    // Fine-tuning snippets train on it, so it is a 1-layer DeBERTa with the v1 tokenizer, whose BPE keeps sentences short:
    // on the v3 test model (1,001 pieces, so many more tokens per sentence) the README's quick start took 2 min 10 s,
    // on this one 30 s (same loaded machine).
    private static void WriteBackbone(string to)
    {
        using (var backbone = new DebertaForMaskedLM(DebertaTestData.SmallConfig(hidden: 32, layers: 1), seed: 3))
            backbone.SavePretrained(to);
        CopyV1Tokenizer(to);
    }

    private static void CopyV1Tokenizer(string to)
    {
        foreach (var file in new[] { "vocab.json", "merges.txt" })
            File.Copy(Path.Combine(DebertaTestData.V1TokenizerFolder, file), Path.Combine(to, file));
    }
}
