namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The payload loaders <c>DebertaModelIO.Load</c> knows, by <see cref="IDebertaTextScorerLoader.PayloadKind"/>.</summary>
internal static class TextScorerLoaders
{
    /// <summary>
    /// The loaders of this library's own models (one line per model kind); tests pass their own through the internal
    /// <c>DebertaModelIO.Load</c> overload.
    /// </summary>
    public static IReadOnlyList<IDebertaTextScorerLoader> BuiltIn { get; } = [new DebertaTextScorerLoader(), new DebertaEmbeddingScorerLoader(), new ZeroShotScorerLoader(ZeroShotModel.Kind), new ZeroShotScorerLoader(ZeroShotModel.OnnxKind), new OnnxTextScorerLoader()];

    /// <summary>The loader for <paramref name="payloadKind"/>.</summary>
    /// <exception cref="InvalidDataException">No loader reads that kind.</exception>
    public static IDebertaTextScorerLoader Find(IReadOnlyList<IDebertaTextScorerLoader> loaders, string payloadKind, string where) =>
        loaders.FirstOrDefault(l => l.PayloadKind == payloadKind) ?? throw new InvalidDataException(
            $"{where}: the model payload is of kind '{payloadKind}', which this version of Microsoft.ML.Deberta cannot load " +
            $"(it loads: {(loaders.Count == 0 ? "none" : string.Join(", ", loaders.Select(l => l.PayloadKind)))}).");
}
