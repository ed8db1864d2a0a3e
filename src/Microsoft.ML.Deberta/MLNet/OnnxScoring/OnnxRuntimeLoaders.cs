using Microsoft.ML.Deberta.Onnx;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The payload loaders of <see cref="DebertaScoringRuntime.OnnxRuntime"/>: each wraps a loader of the library's and
/// turns the sequence classifier it loads into an <see cref="OnnxTextScorer"/> (exported in memory, the TorchSharp
/// model freed); ONNX payloads load as they are; other kinds are refused before any weight is read.
/// </summary>
internal static class OnnxRuntimeLoaders
{
    /// <summary>Payload kinds that can score with ONNX Runtime.</summary>
    public static IReadOnlyList<string> SupportedKinds { get; } = [DebertaTextScorer.Kind, OnnxTextScorer.Kind];

    public static IReadOnlyList<IDebertaTextScorerLoader> Wrap(IReadOnlyList<IDebertaTextScorerLoader> loaders) =>
        [.. loaders.Select(l => new ExportingLoader(l))];

    /// <summary>Exports the scorer's model to ONNX and builds the ONNX Runtime scorer with its tokenizer, encoding and batch size.</summary>
    public static OnnxTextScorer Export(DebertaTextScorer scorer)
    {
        var settings = new OnnxScorerSettings { OutputSize = scorer.OutputSize, PadTokenId = scorer.Model.Config.PadTokenId ?? 0 };
        return new OnnxTextScorer(scorer.Tokenizer, DebertaOnnxExporter.ExportToBytes(scorer.Model), "the ONNX export of the saved model",
            settings, scorer.Encoding, scorer.BatchSize);
    }

    /// <summary>The refusal of a step that has no ONNX Runtime scorer yet.</summary>
    public static NotSupportedException Unsupported(string what) => new(
        $"{what} cannot score with ONNX Runtime yet (supported: text classification, regression and pair scoring, payload kinds " +
        $"{string.Join(", ", SupportedKinds)}). Load the model with DebertaScoringRuntime.TorchSharp.");

    private sealed class ExportingLoader(IDebertaTextScorerLoader inner) : IDebertaTextScorerLoader
    {
        public string PayloadKind => inner.PayloadKind;

        public IDebertaTextScorer Load(string folder)
        {
            if (!SupportedKinds.Contains(inner.PayloadKind))
                throw Unsupported($"A DeBERTa step with payload kind '{inner.PayloadKind}'");
            var scorer = inner.Load(folder);
            if (scorer is OnnxTextScorer)
                return scorer;
            using (scorer)
                return scorer is DebertaTextScorer torchScorer ? Export(torchScorer) : throw Unsupported($"A {scorer.GetType().Name}");
        }
    }
}
