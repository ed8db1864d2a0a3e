using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// What the NER trainer's loss reads: run_ner.py's alignment, with label_all_tokens off (a word's label on its first
/// sub-token, −100 on the rest) and on (every sub-token labelled, B- turned into I- after the first), carried from the
/// option through the objective's examples, not only by the aligner alone.
/// </summary>
[TestClass]
public sealed class TokenClassificationObjectiveTests
{
    private static readonly string[] Tags = ["O", "B-FOOD", "I-FOOD"];

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void TheLossReadsWordLabelsAsRunNerAlignsThem(bool labelAllTokens)
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder);
        string[] words = ["Unbelievably", "crunchy", "margherita", "pizza", "tonight"];
        int[] wordLabels = [0, 0, 1, 2, 0];   // O O B-FOOD I-FOOD O
        var window = tokenizer.EncodeWords(words);
        var config = DebertaTestData.SmallConfig();
        config.NumLabels = Tags.Length;
        using var model = new DebertaForTokenClassification(config, seed: 1);
        var set = new TokenClassificationSet([[window]], [wordLabels]);

        var objective = new TokenClassificationObjective(model, set, validation: null, Tags, labelAllTokens, batchSize: 4);

        var labels = objective.TokenLabels.Single();
        var pieces = Enumerable.Range(0, labels.Length).Where(t => window.WordIds[t] is not null).ToList();
        Assert.IsTrue(pieces.Count > words.Length, "some words split into several sub-tokens (else this test shows nothing)");
        foreach (int t in pieces)
        {
            int word = window.WordIds[t]!.Value;
            bool first = t == 0 || window.WordIds[t - 1] != word;
            int expected = first ? wordLabels[word]
                : !labelAllTokens ? WordLabelAligner.IgnoredLabel
                : Tags[wordLabels[word]] == "B-FOOD" ? Array.IndexOf(Tags, "I-FOOD") : wordLabels[word];
            Assert.AreEqual(expected, labels[t], $"token {t} ('{tokenizer.ConvertIdToToken(window.InputIds[t])}') of word {word} ('{words[word]}')");
        }
        Assert.AreEqual(WordLabelAligner.IgnoredLabel, labels[0], "[CLS] has no label");
        Assert.AreEqual(WordLabelAligner.IgnoredLabel, labels[^1], "[SEP] has no label");
        int labelled = labels.Count(l => l != WordLabelAligner.IgnoredLabel);
        Assert.AreEqual(labelAllTokens ? pieces.Count : words.Length, labelled, "labelled tokens: every sub-token, or one per word");
    }
}
