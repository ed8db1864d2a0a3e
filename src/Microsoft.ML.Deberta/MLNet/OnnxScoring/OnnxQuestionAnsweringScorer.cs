using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// An extractive question-answering model exported to ONNX, behind the structured seam like
/// <see cref="QuestionAnsweringScorer"/>: the same windows (<see cref="QuestionAnsweringScorer.Prepare"/>), the
/// windows' start and end logits from ONNX Runtime, the same decoding (<see cref="QuestionAnsweringPredictor.Decode"/>).
/// Never touches TorchSharp. Payload (kind <see cref="Kind"/>): <c>model.onnx</c>, the tokenizer files,
/// <c>question_answering.json</c> and <c>onnx_scorer.json</c>; no weights.
/// </summary>
internal sealed class OnnxQuestionAnsweringScorer : IDebertaRowScorer<QuestionAnsweringRow>
{
    /// <summary>The payload kind this scorer writes and <see cref="QuestionAnsweringReader"/> reads.</summary>
    public const string Kind = "deberta-onnx-question-answering";

    private const string StartOutput = "start_logits", EndOutput = "end_logits";

    private readonly OnnxGraph _graph;
    private readonly QuestionAnsweringDecoder _decoder;
    private readonly OnnxScorerSettings _onnx;
    private DebertaOnnxModel? _model;

    /// <exception cref="InvalidDataException">The graph does not load or has no (batch, sequence) start and end logits.</exception>
    public OnnxQuestionAnsweringScorer(DebertaTokenizerBase tokenizer, OnnxGraph graph, string source, OnnxScorerSettings onnx, QuestionAnsweringSettings settings)
    {
        var model = graph.Open(source, onnx.PadTokenId, m => new[] { StartOutput, EndOutput }.All(o => m.OutputNames.Contains(o) && m.OutputDimensions(o).Count == 2)
            ? null
            : $"The ONNX graph '{source}' is not a question-answering model's: it has outputs [{string.Join(", ", m.OutputNames)}], " +
              $"and the step needs '{StartOutput}' and '{EndOutput}' of shape [batch, sequence].");
        Tokenizer = tokenizer;
        _graph = graph;
        _model = model;
        _onnx = onnx;
        Settings = settings;
        _decoder = new QuestionAnsweringDecoder(tokenizer);
    }

    public string PayloadKind => Kind;

    public DebertaTokenizerBase Tokenizer { get; }

    public QuestionAnsweringSettings Settings { get; }

    private DebertaOnnxModel Model => _model ?? throw new ObjectDisposedException(nameof(OnnxQuestionAnsweringScorer));

    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        QuestionAnsweringScorer.Prepare(_decoder, Settings, texts, pairs);

    public IReadOnlyList<QuestionAnsweringRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var windows = (IReadOnlyList<DebertaEncoding>[])(prepared ?? PrepareBatch(texts, pairs))!;
        var all = windows.SelectMany(w => w).ToList();
        var logits = OnnxWindowLogits.Score(Model, all, Settings.InferenceBatchSize, [StartOutput, EndOutput]);
        var answers = QuestionAnsweringPredictor.Decode(_decoder, texts, pairs!, windows, logits[0], logits[1], Settings.Decoding);
        return [.. answers.Select(QuestionAnsweringRow.Of)];
    }

    public void SavePayload(string folder)
    {
        OnnxPayloadFiles.Write(folder, _graph, Tokenizer);
        Settings.Write(Path.Combine(folder, QuestionAnsweringSettings.FileName));
        _onnx.Write(Path.Combine(folder, OnnxScorerSettings.FileName));
    }

    /// <summary>Reads back what <see cref="SavePayload"/> wrote.</summary>
    /// <exception cref="InvalidDataException">A file is missing or corrupt.</exception>
    public static OnnxQuestionAnsweringScorer Open(string folder, string where)
    {
        var settings = QuestionAnsweringSettings.Read(Path.Combine(folder, QuestionAnsweringSettings.FileName));
        var onnx = OnnxScorerSettings.Read(Path.Combine(folder, OnnxScorerSettings.FileName), where);
        var (graph, tokenizer) = OnnxPayloadFiles.Read(folder, where);
        return new OnnxQuestionAnsweringScorer(tokenizer, graph, $"{where}, {OnnxPayloadFiles.GraphFileName}", onnx, settings);
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
        _graph.Dispose();
    }
}
