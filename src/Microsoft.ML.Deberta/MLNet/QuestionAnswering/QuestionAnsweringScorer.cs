using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet.QuestionAnswering;

/// <summary>
/// A DeBERTa extractive QA model behind the ML.NET layer: tokenizer, <see cref="DebertaForQuestionAnswering"/> and the
/// pipeline settings. <see cref="Prepare"/> cuts each row into windows (thread-safe, model untouched);
/// <see cref="Answer"/> scores the windows of a whole batch of rows together and decodes each row
/// (<see cref="QuestionAnsweringPredictor"/>). Its payload is a Hugging Face folder plus <c>question_answering.json</c>.
/// </summary>
internal sealed class QuestionAnsweringScorer : IDisposable
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
        model.eval(); // scoring only: dropout off for good
    }

    public DebertaTokenizerBase Tokenizer { get; }

    public QuestionAnsweringSettings Settings { get; }

    /// <summary>The model (tests and diagnostics).</summary>
    public DebertaForQuestionAnswering Model => _model ?? throw new ObjectDisposedException(nameof(QuestionAnsweringScorer));

    /// <summary>Windows scored so far (diagnostics).</summary>
    public long WindowsScored { get; private set; }

    /// <summary>The windows of each row. Thread-safe.</summary>
    /// <param name="questions">The rows' questions.</param>
    /// <param name="contexts">The rows' contexts.</param>
    /// <param name="firstRow">The position of the first row in its data (0-based, as ML.NET counts), for messages.</param>
    /// <exception cref="InvalidDataException">A row's question or context is empty, or the question leaves no room for
    /// the context in a window; the message names the row.</exception>
    public IReadOnlyList<DebertaEncoding>[] Prepare(IReadOnlyList<string> questions, IReadOnlyList<string> contexts, long firstRow)
    {
        try
        {
            return QuestionAnsweringPredictor.Encode(_decoder, questions, contexts, Settings.Decoding, firstRow);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{e.Message} (rows counted from 0; the pipeline refuses such rows too)", e);
        }
    }

    /// <summary>Answers the rows whose windows <see cref="Prepare"/> made: per row the top-k answers, best first.</summary>
    public IReadOnlyList<AnswerSpan>[] Answer(IReadOnlyList<string> questions, IReadOnlyList<string> contexts, IReadOnlyList<IReadOnlyList<DebertaEncoding>> windows)
    {
        WindowsScored += windows.Sum(w => w.Count);
        return QuestionAnsweringPredictor.Answer(Model, _decoder, questions, contexts, windows, Settings.Decoding, Settings.InferenceBatchSize);
    }

    /// <summary>Writes the model as a Hugging Face folder (config, safetensors, tokenizer) plus the settings.</summary>
    public void SavePayload(string folder)
    {
        Model.SavePretrained(folder);
        Tokenizer.SavePretrained(folder);
        Settings.Write(Path.Combine(folder, QuestionAnsweringSettings.FileName));
    }

    /// <summary>Reads back what <see cref="SavePayload"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The folder is incomplete or corrupt.</exception>
    public static QuestionAnsweringScorer Load(string folder)
    {
        var settings = QuestionAnsweringSettings.Read(Path.Combine(folder, QuestionAnsweringSettings.FileName));
        DebertaTokenizerBase tokenizer;
        try
        {
            tokenizer = TokenizerFiles.Load(folder, "the saved question-answering model");
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"The saved model is incomplete: {e.Message}", e);
        }
        try
        {
            var model = DebertaCheckpoint.Load<DebertaForQuestionAnswering>(folder, out var report);
            if (report.NewlyInitializedKeys.Count > 0)
            {
                model.Dispose();
                throw new InvalidDataException(
                    $"The saved model's weights lack {string.Join(", ", report.NewlyInitializedKeys)}; the file is incomplete or was altered.");
            }
            return new QuestionAnsweringScorer(tokenizer, model, settings);
        }
        catch (Exception e) when (e is FileNotFoundException or DebertaConfigException or CheckpointMismatchException)
        {
            throw new InvalidDataException($"The saved model cannot be read: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
