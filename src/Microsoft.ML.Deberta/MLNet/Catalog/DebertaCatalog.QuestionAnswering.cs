using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Fine-tunes a Hugging Face DeBERTa checkpoint for extractive question answering on SQuAD-style rows (context,
    /// question, answer text, answer start), as transformers' <c>run_qa.py</c> does; the fitted model answers contexts of
    /// any length as the <c>question-answering</c> pipeline does. See <see cref="DebertaQuestionAnsweringOptions"/>.
    /// </summary>
    /// <param name="modelFolder">A checkpoint folder: a pre-trained backbone, or a question-answering checkpoint (its head is kept).</param>
    /// <param name="contextColumnName">The context column (String).</param>
    /// <param name="questionColumnName">The question column (String).</param>
    /// <param name="answerTextColumnName">The answer text column (String; empty when the question has no answer).</param>
    /// <param name="answerStartColumnName">The answer start column: the answer's first character in the context.</param>
    /// <param name="maxSeqLength">Window length in tokens.</param>
    /// <param name="docStride">Overlap of consecutive context windows in tokens.</param>
    /// <param name="batchSize">Windows per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows answered after every epoch (SQuAD F1); the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public QuestionAnsweringEstimator QuestionAnswering(string modelFolder, string contextColumnName = "Context", string questionColumnName = "Question",
        string answerTextColumnName = "AnswerText", string answerStartColumnName = "AnswerStart", int maxSeqLength = 384, int docStride = 128,
        int batchSize = 12, int epochs = 2, double learningRate = 3e-5, IDataView? validationSet = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        QuestionAnswering(new DebertaQuestionAnsweringOptions
        {
            ModelFolder = modelFolder, ContextColumnName = contextColumnName, QuestionColumnName = questionColumnName,
            AnswerTextColumnName = answerTextColumnName, AnswerStartColumnName = answerStartColumnName, MaxSeqLength = maxSeqLength,
            DocStride = docStride, BatchSize = batchSize, Epochs = epochs, LearningRate = learningRate, ValidationSet = validationSet,
            Progress = progress, CancellationToken = cancellationToken,
        });

    /// <summary>
    /// Trains a new DeBERTa extractive QA model from scratch (random weights from the seed) with the given config and
    /// tokenizer. The defaults (learning rate 1e-3, 10 epochs, windows of 128 tokens) suit a small config on a few
    /// thousand rows; pre-trained checkpoints do far better when one is available.
    /// </summary>
    /// <param name="config">The model's configuration (its vocab_size must cover the tokenizer).</param>
    /// <param name="tokenizerFolder">A Hugging Face tokenizer folder.</param>
    /// <param name="contextColumnName">The context column (String).</param>
    /// <param name="questionColumnName">The question column (String).</param>
    /// <param name="answerTextColumnName">The answer text column (String; empty when the question has no answer).</param>
    /// <param name="answerStartColumnName">The answer start column: the answer's first character in the context.</param>
    /// <param name="maxSeqLength">Window length in tokens.</param>
    /// <param name="docStride">Overlap of consecutive context windows in tokens.</param>
    /// <param name="batchSize">Windows per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows answered after every epoch (SQuAD F1); the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public QuestionAnsweringEstimator QuestionAnswering(DebertaConfig config, string tokenizerFolder, string contextColumnName = "Context",
        string questionColumnName = "Question", string answerTextColumnName = "AnswerText", string answerStartColumnName = "AnswerStart",
        int maxSeqLength = 128, int docStride = 32, int batchSize = 16, int epochs = 10, double learningRate = 1e-3, IDataView? validationSet = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        QuestionAnswering(new DebertaQuestionAnsweringOptions
        {
            Config = config, TokenizerFolder = tokenizerFolder, ContextColumnName = contextColumnName, QuestionColumnName = questionColumnName,
            AnswerTextColumnName = answerTextColumnName, AnswerStartColumnName = answerStartColumnName, MaxSeqLength = maxSeqLength,
            DocStride = docStride, BatchSize = batchSize, Epochs = epochs, LearningRate = learningRate, ValidationSet = validationSet,
            Progress = progress, CancellationToken = cancellationToken,
        });

    /// <summary>Trains a DeBERTa extractive QA model; see <see cref="DebertaQuestionAnsweringOptions"/>.</summary>
    /// <param name="options">Columns, where the model starts, windowing, decoding and the training recipe.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public QuestionAnsweringEstimator QuestionAnswering(DebertaQuestionAnsweringOptions options)
    {
        const string Method = nameof(QuestionAnswering);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Snapshot();
        QuestionAnsweringOptionsRules.Check(o, Method, training: true);
        return new QuestionAnsweringEstimator(this, o, Method, training: true);
    }

    /// <summary>
    /// Answers questions with a fine-tuned Hugging Face DeBERTa question-answering checkpoint as it is, without
    /// training, as transformers' 4.x <c>question-answering</c> pipeline does (contexts of any length in
    /// <paramref name="docStride"/> windows). Adds <c>Answer</c>, <c>Score</c>, <c>Start</c> and <c>End</c>.
    /// </summary>
    /// <param name="modelFolder">The checkpoint folder (a …ForQuestionAnswering config, weights, tokenizer files).</param>
    /// <param name="contextColumnName">The context column (String).</param>
    /// <param name="questionColumnName">The question column (String).</param>
    /// <param name="topK">Answers per row (<c>top_k</c>).</param>
    /// <param name="handleImpossibleAnswer">Whether "no answer" (an empty text) competes with the spans.</param>
    /// <param name="maxSeqLength">Window length in tokens (<c>max_seq_len</c>).</param>
    /// <param name="docStride">Overlap of consecutive context windows (<c>doc_stride</c>).</param>
    /// <param name="maxAnswerLength">The longest answer in tokens (<c>max_answer_len</c>).</param>
    /// <param name="batchSize">Windows per forward pass.</param>
    /// <param name="tokenizerFolder">The tokenizer folder, when it is not the model folder.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The checkpoint is not a question-answering model (e.g. a token classifier), or an argument is out of range.</exception>
    public QuestionAnsweringEstimator ApplyQuestionAnsweringModel(string modelFolder, string contextColumnName = "Context",
        string questionColumnName = "Question", int topK = 1, bool handleImpossibleAnswer = false, int maxSeqLength = 384, int docStride = 128,
        int maxAnswerLength = 15, int batchSize = 16, string? tokenizerFolder = null) =>
        ApplyQuestionAnsweringModel(new DebertaQuestionAnsweringOptions
        {
            ModelFolder = modelFolder, ContextColumnName = contextColumnName, QuestionColumnName = questionColumnName, TopK = topK,
            HandleImpossibleAnswer = handleImpossibleAnswer, MaxSeqLength = maxSeqLength, DocStride = docStride,
            MaxAnswerLength = maxAnswerLength, InferenceBatchSize = batchSize, TokenizerFolder = tokenizerFolder,
        });

    /// <summary>
    /// <see cref="ApplyQuestionAnsweringModel(string, string, string, int, bool, int, int, int, int, string?)"/> with
    /// every option (columns, windowing, decoding); the training settings are ignored.
    /// </summary>
    /// <param name="options">The options; <see cref="DebertaFineTuningOptions.ModelFolder"/> is required.</param>
    /// <exception cref="ArgumentException">The checkpoint is not a question-answering model, or a setting is out of range.</exception>
    public QuestionAnsweringEstimator ApplyQuestionAnsweringModel(DebertaQuestionAnsweringOptions options)
    {
        const string Method = nameof(ApplyQuestionAnsweringModel);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Snapshot();
        ArgumentException.ThrowIfNullOrWhiteSpace(o.ModelFolder, nameof(options.ModelFolder));
        QuestionAnsweringOptionsRules.Check(o, Method, training: false);
        return new QuestionAnsweringEstimator(this, o, Method, training: false);
    }

    /// <summary>
    /// Scores predicted answers against gold ones as the official SQuAD evaluation script does: per row the best exact
    /// match and F1 over the row's gold answers (normalised: lower case, no punctuation or articles, single spaces),
    /// averaged, as percentages; rows without a gold answer count as unanswerable (an empty prediction scores 1).
    /// </summary>
    /// <param name="data">Scored rows, e.g. the output of a question-answering transformer.</param>
    /// <param name="goldAnswersColumnName">The gold answers: a String column (one answer) or a vector of String (several).</param>
    /// <param name="predictedAnswerColumnName">The predictions: a vector of String (the first, best answer is scored) or a String.</param>
    /// <returns>Exact match and F1, overall and split into rows with and without gold answers.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not text.</exception>
    /// <exception cref="ArgumentException">The data has no rows.</exception>
    public SquadMetrics EvaluateQuestionAnswering(IDataView data, string goldAnswersColumnName = "AnswerText", string predictedAnswerColumnName = "Answer")
    {
        ArgumentNullException.ThrowIfNull(data);
        var (gold, predicted) = AnswerColumnsReader.Read(data, goldAnswersColumnName, predictedAnswerColumnName);
        return SquadEvaluator.Evaluate(gold, predicted);
    }
}
