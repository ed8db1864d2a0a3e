using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A DeBERTa extractive QA model behind the ML.NET layer's structured seam (texts = questions, pairs = contexts):
/// tokenizer, <see cref="DebertaForQuestionAnswering"/> and the pipeline settings. <see cref="PrepareBatch"/> cuts each
/// row into windows (thread-safe, model untouched); <see cref="ScoreBatch"/> scores the windows of the whole batch of
/// rows together and decodes each row (<see cref="QuestionAnsweringPredictor"/>). Its payload is a Hugging Face folder
/// plus <c>question_answering.json</c>.
/// </summary>
internal sealed class QuestionAnsweringScorer : IDebertaRowScorer<QuestionAnsweringRow>
{
    /// <summary>The payload kind of a saved QA model.</summary>
    public const string Kind = "deberta-question-answering";

    private readonly QuestionAnsweringDecoder _decoder;
    private DebertaForQuestionAnswering? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The model; owned (disposed) by this scorer from now on.</param>
    /// <param name="settings">Windowing and decoding.</param>
    public QuestionAnsweringScorer(DebertaTokenizerBase tokenizer, DebertaForQuestionAnswering model, QuestionAnsweringSettings settings)
    {
        Tokenizer = tokenizer;
        _model = model;
        Settings = settings;
        _decoder = new QuestionAnsweringDecoder(tokenizer);
        // Scoring only: eval mode (dropout off) for good, and, as the scorer owns the weights, the relative-position
        // projections kept between passes.
        model.ConvertForInference(model.Precision);
    }

    public DebertaTokenizerBase Tokenizer { get; }

    public QuestionAnsweringSettings Settings { get; }

    /// <summary>The model (tests and diagnostics).</summary>
    public DebertaForQuestionAnswering Model => _model ?? throw new ObjectDisposedException(nameof(QuestionAnsweringScorer));

    /// <summary>Windows scored so far (diagnostics).</summary>
    public long WindowsScored { get; private set; }

    public string PayloadKind => Kind;

    /// <summary>The windows of each row. Thread-safe.</summary>
    /// <exception cref="InvalidDataException">A row's question or context is empty, or the question leaves no room for
    /// the context in a window; the message quotes the row's question (the pipeline refuses such rows too).</exception>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => Prepare(_decoder, Settings, texts, pairs);

    /// <summary>Cuts every row into the decoder's windows (the model-free part, shared with the ONNX Runtime scorer).</summary>
    /// <exception cref="InvalidDataException">An empty question or context, or a question that leaves no room (the row's question quoted).</exception>
    internal static IReadOnlyList<DebertaEncoding>[] Prepare(QuestionAnsweringDecoder decoder, QuestionAnsweringSettings settings,
        IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        if (pairs is null)
            throw new InvalidOperationException("Question answering reads a question and a context per row.");
        try
        {
            return QuestionAnsweringPredictor.Encode(decoder, texts, pairs, settings.Decoding,
                r => $"The row whose question is '{(texts[r].Length > 80 ? texts[r][..80] + "…" : texts[r])}'");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{QuestionAnsweringPredictor.MessageOnly(e)} (the question-answering pipeline refuses such rows too)", e);
        }
    }

    /// <summary>Answers the rows whose windows <see cref="PrepareBatch"/> made: per row the top-k answers, best first.</summary>
    public IReadOnlyList<QuestionAnsweringRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var windows = (IReadOnlyList<DebertaEncoding>[])(prepared ?? PrepareBatch(texts, pairs))!;
        WindowsScored += windows.Sum(w => w.Count);
        var answers = QuestionAnsweringPredictor.Answer(Model, _decoder, texts, pairs!, windows, Settings.Decoding, Settings.InferenceBatchSize);
        return [.. answers.Select(QuestionAnsweringRow.Of)];
    }

    /// <summary>Writes the model as a Hugging Face folder (config, safetensors, tokenizer) plus the settings.</summary>
    public void SavePayload(string folder)
    {
        Model.SavePretrained(folder);
        Tokenizer.SavePretrained(folder);
        (Settings with { InferencePrecision = PrecisionRules.Saved(Model) }).Write(Path.Combine(folder, QuestionAnsweringSettings.FileName));
    }

    /// <summary>Reads back what <see cref="SavePayload"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The folder is incomplete or corrupt.</exception>
    public static QuestionAnsweringScorer Load(string folder)
    {
        var settings = QuestionAnsweringSettings.Read(Path.Combine(folder, QuestionAnsweringSettings.FileName));
        DebertaTokenizerBase tokenizer;
        try
        {
            tokenizer = TokenizerFiles.Load(folder, "The saved question-answering model's tokenizer folder");
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"The saved model is incomplete: {e.Message}", e);
        }
        return new QuestionAnsweringScorer(tokenizer, SavedPayloadFolder.LoadModel<DebertaForQuestionAnswering>(folder, settings.InferencePrecision), settings);
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
