using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>Works out and checks what every trial shares, before the first one: the models exist, the tokenizer loads.</summary>
internal static class TrialSettings
{
    /// <exception cref="ArgumentException">A from-scratch size without a tokenizer, or a model folder that does not exist.</exception>
    public static TextTrialRunner.Settings Resolve(TextAutoMLExperiment e, TextAutoMLMetric metric)
    {
        var models = e.Space.Dimensions.FirstOrDefault(d => d.Name == nameof(DebertaSearchOptions.Model)) is ChoiceDimension choice
            ? choice.Candidates.Select(c => c.GetValue<string>()).ToList()
            : [ScratchModelSizes.Tiny];
        int vocabulary = 0;
        if (models.Any(ScratchModelSizes.IsSize))
        {
            if (e.TokenizerFolder is null)
                throw new ArgumentException("The search space trains models from scratch, which needs a tokenizer: pass tokenizerFolder to SetSearchSpace.", "tokenizerFolder");
            vocabulary = TokenizerFiles.Load(e.TokenizerFolder, "The experiment's tokenizer folder").VocabularySize;
        }
        foreach (var folder in models.Where(m => !ScratchModelSizes.IsSize(m)))
            if (!Directory.Exists(folder))
                throw new ArgumentException($"The search space's model '{folder}' is neither a checkpoint folder that exists nor a from-scratch size ({string.Join(", ", ScratchModelSizes.All)}).", "space");
        return new TextTrialRunner.Settings(e.Task, metric, e.LabelColumn, e.TextColumn, e.TextPairColumn, e.TokenizerFolder, vocabulary, e.Seed);
    }
}
