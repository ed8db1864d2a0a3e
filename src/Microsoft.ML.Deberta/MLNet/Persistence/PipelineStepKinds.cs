using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The kinds of DeBERTa steps a saved .zip can hold, and how each is read back from its payload folder.</summary>
internal static class PipelineStepKinds
{
    /// <summary>A <see cref="TextScoringTransformer"/> (classification or regression over text). Also the kind of manifests that name none.</summary>
    public const string TextScoring = "text-scoring";

    /// <summary>A <see cref="StructuredScoringTransformer"/> (a task with structured outputs: NER, QA, ...).</summary>
    public const string StructuredScoring = "structured-scoring";

    /// <summary>A <see cref="TokenizationTransformer"/>.</summary>
    public const string Tokenization = "tokenization";

    /// <summary>Rebuilds a step of <paramref name="stepKind"/> from the folder its <see cref="IDebertaPipelineStep.WriteStep"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Unknown kind (a newer library wrote it), or an incomplete or corrupt payload.</exception>
    public static ITransformer Read(string stepKind, IHostEnvironment environment, string folder, string where,
        IReadOnlyList<IDebertaTextScorerLoader> loaders, DebertaScoringRuntime runtime = DebertaScoringRuntime.TorchSharp) => stepKind switch
    {
        TextScoring => TextScoringTransformer.ReadStep(environment, folder, where, loaders),
        Tokenization => TokenizationTransformer.ReadStep(folder, where),
        StructuredScoring when OnnxRuntimeLoaders.WeightFormat(runtime) is { } weightFormat =>
            StructuredScoringTransformer.ReadStep(folder, where, OnnxRuntimeLoaders.WrapRowReaders(RowScoringReaders.BuiltIn, weightFormat)),
        StructuredScoring => StructuredScoringTransformer.ReadStep(folder, where, RowScoringReaders.BuiltIn),
        _ => throw new InvalidDataException(
            $"{where}: the step is of kind '{stepKind}', which this version of Microsoft.ML.Deberta cannot load " +
            $"(it loads: {TextScoring}, {Tokenization}, {StructuredScoring}). Update the Microsoft.ML.Deberta package."),
    };
}
