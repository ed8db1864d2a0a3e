namespace Microsoft.ML.Deberta.AutoML;

/// <summary>Ready-made search spaces built on <see cref="DebertaSearchOptions"/>; narrow them further with <see cref="HyperparameterSpace.With"/>.</summary>
public static class DebertaSearchSpaces
{
    /// <summary>Fine-tuning pre-trained checkpoints: the attribute space with <c>Model</c> = the given folders (the first is the start).</summary>
    /// <exception cref="ArgumentException">No folder given.</exception>
    public static HyperparameterSpace FineTuning(params string[] checkpointFolders)
    {
        if (checkpointFolders is not { Length: > 0 })
            throw new ArgumentException("Give at least one checkpoint folder.", nameof(checkpointFolders));
        return HyperparameterSpace.FromOptions<DebertaSearchOptions>().With(new ChoiceDimension(nameof(DebertaSearchOptions.Model), checkpointFolders));
    }

    /// <summary>
    /// Training from scratch: learning rate log [3e-4, 1e-2] (init 3e-3; 3e-5 teaches a random model nothing), max
    /// length {64, 128} (init 64), epochs [2, 10] (init 4: a random model learns little in fewer), and the given sizes
    /// of <see cref="ScratchModelSizes"/> (all three by default; the first is the start).
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a from-scratch size.</exception>
    public static HyperparameterSpace FromScratch(params string[] sizes)
    {
        if (sizes is not { Length: > 0 })
            sizes = [.. ScratchModelSizes.All];
        foreach (var size in sizes)
            if (!ScratchModelSizes.IsSize(size))
                throw new ArgumentException($"'{size}' is not a from-scratch size; use {string.Join(", ", ScratchModelSizes.All)}.", nameof(sizes));
        return HyperparameterSpace.FromOptions<DebertaSearchOptions>()
            .With(new NumericDimension(nameof(DebertaSearchOptions.LearningRate), 3e-4, 1e-2, 3e-3, logScale: true))
            .With(new ChoiceDimension(nameof(DebertaSearchOptions.MaxLength), [64, 128], 64))
            .With(new NumericDimension(nameof(DebertaSearchOptions.Epochs), 2, 10, 4, isInteger: true))
            .With(new ChoiceDimension(nameof(DebertaSearchOptions.Model), sizes));
    }
}
