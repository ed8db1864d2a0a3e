using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The payload loaders of <see cref="DebertaScoringRuntime.OnnxRuntime"/> and <see cref="DebertaScoringRuntime.OnnxRuntimeInt8"/>:
/// each wraps a loader of the library's and turns the sequence classifier or embedder it loads into an
/// <see cref="OnnxTextScorer"/> (a zero-shot step's NLI classifier too; exported in memory in the runtime's
/// <see cref="OnnxWeightFormat"/>, the TorchSharp model freed), and <see cref="WrapRowReaders"/> does the same for
/// NER, question-answering, fill-mask and per-row zero-shot steps; ONNX payloads load as they are; other kinds are
/// refused before any weight is read.
/// </summary>
internal static class OnnxRuntimeLoaders
{
    /// <summary>Payload kinds that can score with ONNX Runtime.</summary>
    public static IReadOnlyList<string> SupportedKinds { get; } =
        [DebertaTextScorer.Kind, DebertaEmbeddingScorer.Kind, ZeroShotModel.Kind, OnnxTextScorer.Kind, ZeroShotModel.OnnxKind];

    /// <summary>The structured tasks that can score with ONNX Runtime.</summary>
    private static readonly string[] SupportedTasks =
        [TokenClassificationColumns.Task, QuestionAnsweringColumns.Kind, FillMaskColumns.Kind, ZeroShotColumns.Kind];

    /// <summary>The weight format the steps are exported in with <paramref name="runtime"/>; null for TorchSharp.</summary>
    public static OnnxWeightFormat? WeightFormat(DebertaScoringRuntime runtime) => runtime switch
    {
        DebertaScoringRuntime.OnnxRuntime => OnnxWeightFormat.Float32,
        DebertaScoringRuntime.OnnxRuntimeInt8 => OnnxWeightFormat.Int8,
        _ => null,
    };

    /// <summary>The text-scorer loaders of the ONNX Runtime runtimes: steps exported in <paramref name="weightFormat"/>.</summary>
    public static IReadOnlyList<IDebertaTextScorerLoader> Wrap(IReadOnlyList<IDebertaTextScorerLoader> loaders, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32) =>
        [.. loaders.Select(l => new ExportingLoader(l, weightFormat))];

    /// <summary>Exports the scorer's model to ONNX and builds the ONNX Runtime scorer with its tokenizer, encoding and batch size.</summary>
    /// <param name="scorer">The TorchSharp classifier.</param>
    /// <param name="weightFormat">How the encoder's linear layers are exported.</param>
    /// <param name="inlineWeightLimit">Initializer bytes above which the weights go to ONNX external data (tests force it on a tiny model).</param>
    public static OnnxTextScorer Export(DebertaTextScorer scorer, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32,
        long inlineWeightLimit = DebertaOnnxExporter.InlineWeightLimitBytes) =>
        Export(scorer.Model, scorer.Tokenizer, scorer.Encoding, scorer.BatchSize, new OnnxScorerSettings { OutputSize = scorer.OutputSize }, weightFormat, inlineWeightLimit);

    /// <summary>Exports the embedder's bare model and builds the ONNX Runtime scorer that pools its token vectors the same way.</summary>
    public static OnnxTextScorer Export(DebertaEmbeddingScorer scorer, OnnxWeightFormat weightFormat) =>
        Export(scorer.Model, scorer.Tokenizer, scorer.Encoding, scorer.BatchSize, new OnnxScorerSettings
        {
            OutputName = OnnxScorerSettings.HiddenStateOutput, OutputSize = scorer.OutputSize,
            Pooling = scorer.Embedding.Pooling, Normalize = scorer.Embedding.Normalize,
        }, weightFormat);

    private static OnnxTextScorer Export(DebertaPreTrainedModel model, DebertaTokenizerBase tokenizer, TextEncodingSettings encoding, int batchSize,
        OnnxScorerSettings settings, OnnxWeightFormat weightFormat, long inlineWeightLimit = DebertaOnnxExporter.InlineWeightLimitBytes) =>
        new(tokenizer, OnnxGraph.Export(model, weightFormat, inlineWeightLimit), Source,
            settings with { PadTokenId = model.Config.PadTokenId ?? 0 }, encoding, batchSize);

    private const string Source = "the ONNX export of the saved model";

    /// <summary>
    /// The row-step readers of the ONNX Runtime runtimes: a token-classification, question-answering, fill-mask or
    /// per-row zero-shot step is read as usual and its TorchSharp scorer exported in <paramref name="weightFormat"/>;
    /// the other tasks are refused before their weights are read.
    /// </summary>
    public static IReadOnlyList<IRowScoringReader> WrapRowReaders(IReadOnlyList<IRowScoringReader> readers, OnnxWeightFormat weightFormat) =>
        [.. readers.Select(r => new ExportingRowReader(r, weightFormat))];

    /// <summary>Exports the token classifier and builds the ONNX Runtime scorer with its tokenizer, windows and labels.</summary>
    public static OnnxTokenClassificationScorer Export(TokenClassificationScorer scorer, OnnxWeightFormat weightFormat) =>
        new(scorer.Tokenizer, OnnxGraph.Export(scorer.Model, weightFormat), Source,
            new OnnxScorerSettings
            {
                OutputSize = scorer.Labels.Count, Labels = [.. scorer.Labels], PadTokenId = scorer.Model.Config.PadTokenId ?? 0,
            }, scorer.Encoding);

    /// <summary>Exports the question-answering model and builds the ONNX Runtime scorer with its tokenizer and settings.</summary>
    public static OnnxQuestionAnsweringScorer Export(QuestionAnsweringScorer scorer, OnnxWeightFormat weightFormat) =>
        new(scorer.Tokenizer, OnnxGraph.Export(scorer.Model, weightFormat), Source,
            new OnnxScorerSettings { OutputName = "start_logits", OutputSize = 1, PadTokenId = scorer.Model.Config.PadTokenId ?? 0 }, scorer.Settings);

    /// <summary>Exports the zero-shot step's NLI classifier; labels, template and NLI ids stay as they are.</summary>
    public static ZeroShotModel Export(ZeroShotModel model, OnnxWeightFormat weightFormat) =>
        model.Classifier is DebertaTextScorer classifier ? new ZeroShotModel(Export(classifier, weightFormat), model.Settings)
            : throw Unsupported($"A zero-shot step over a {model.Classifier.GetType().Name}");

    /// <summary>Exports the masked LM and builds the ONNX Runtime scorer with its tokenizer, top_k, targets and batch size.</summary>
    public static OnnxFillMaskScorer Export(FillMaskScorer scorer, OnnxWeightFormat weightFormat) =>
        new(scorer.Tokenizer, OnnxGraph.Export(scorer.Model, weightFormat), Source,
            new OnnxScorerSettings { OutputSize = scorer.Model.Config.VocabSize, PadTokenId = scorer.Model.Config.PadTokenId ?? 0 }, scorer.Settings);

    /// <summary>The refusal of a step that has no ONNX Runtime scorer.</summary>
    public static NotSupportedException Unsupported(string what) => new(
        $"{what} cannot score with ONNX Runtime (supported: text classification, regression, pair scoring, embeddings, zero-shot, NER, question answering " +
        $"and fill-mask: payload kinds {string.Join(", ", SupportedKinds)} and tasks {string.Join(", ", SupportedTasks)}). Load the model with DebertaScoringRuntime.TorchSharp.");

    private sealed class ExportingLoader(IDebertaTextScorerLoader inner, OnnxWeightFormat weightFormat) : IDebertaTextScorerLoader
    {
        public string PayloadKind => inner.PayloadKind;

        public IDebertaTextScorer Load(string folder)
        {
            if (!SupportedKinds.Contains(inner.PayloadKind))
                throw Unsupported($"A DeBERTa step with payload kind '{inner.PayloadKind}'");
            var scorer = inner.Load(folder);
            if (scorer is OnnxTextScorer or ZeroShotScorer { Model.Classifier: OnnxTextScorer })
                return scorer;   // an ONNX payload: nothing to export
            using (scorer)
                return scorer switch
                {
                    DebertaTextScorer classifier => Export(classifier, weightFormat),
                    DebertaEmbeddingScorer embedder => Export(embedder, weightFormat),
                    ZeroShotScorer zeroShot => new ZeroShotScorer(Export(zeroShot.Model, weightFormat)),
                    _ => throw Unsupported($"A {scorer.GetType().Name}"),
                };
        }
    }

    private sealed class ExportingRowReader(IRowScoringReader inner, OnnxWeightFormat weightFormat) : IRowScoringReader
    {
        public string TaskKind => inner.TaskKind;

        public IRowScoringStep Read(RowStepSettings settings, System.Text.Json.Nodes.JsonObject outputs, string modelFolder, string where)
        {
            if (!SupportedTasks.Contains(inner.TaskKind))
                throw Unsupported($"{where} (a '{inner.TaskKind}' step)");
            var step = inner.Read(settings, outputs, modelFolder, where);
            switch (step)
            {
                case RowScoring<TokenClassificationRow> { RowScorer: TokenClassificationScorer ner } nerStep:
                    using (step)
                        return new RowScoring<TokenClassificationRow>(Export(ner, weightFormat), nerStep.TaskOutputs, nerStep.Columns, nerStep.BatchSize);
                case RowScoring<QuestionAnsweringRow> { RowScorer: QuestionAnsweringScorer qa } qaStep:
                    using (step)
                        return new RowScoring<QuestionAnsweringRow>(Export(qa, weightFormat), qaStep.TaskOutputs, qaStep.Columns, qaStep.BatchSize);
                case RowScoring<FillMaskRow> { RowScorer: FillMaskScorer fillMask } fillMaskStep:
                    using (step)
                        return new RowScoring<FillMaskRow>(Export(fillMask, weightFormat), fillMaskStep.TaskOutputs, fillMaskStep.Columns, fillMaskStep.BatchSize);
                case RowScoring<ZeroShotRow> { RowScorer: ZeroShotColumnScorer { Model.Classifier: DebertaTextScorer } zeroShot } zeroShotStep:
                    using (step)
                        return new RowScoring<ZeroShotRow>(new ZeroShotColumnScorer(Export(zeroShot.Model, weightFormat)), zeroShotStep.TaskOutputs, zeroShotStep.Columns,
                            zeroShotStep.BatchSize);
                default:
                    return step;   // already an ONNX payload (or a reader's own step)
            }
        }
    }
}
