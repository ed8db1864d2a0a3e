using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Held-out questions scored after every epoch: tokenized once into the decoder's windows, answered with the
/// decoding settings the model will be used with (top answer only), and scored by <see cref="SquadEvaluator"/>.
/// </summary>
internal sealed class QuestionAnsweringValidationSet
{
    private readonly QuestionAnsweringDecoder _decoder;
    private readonly QuestionAnsweringOptions _options;
    private readonly string[] _questions;
    private readonly string[] _contexts;
    private readonly IReadOnlyList<IReadOnlyList<string>> _goldAnswers;
    private readonly IReadOnlyList<DebertaEncoding>[] _windows;

    /// <summary>Encodes the rows; each row's gold answer is its answer text (none for an unanswerable row).</summary>
    /// <exception cref="ArgumentException">A row has an empty question or context, or a question that leaves no room for
    /// the context; the message names the row.</exception>
    public QuestionAnsweringValidationSet(QuestionAnsweringDecoder decoder, IReadOnlyList<QuestionAnsweringExample> rows, QuestionAnsweringOptions options)
    {
        _decoder = decoder;
        _options = new QuestionAnsweringOptions
        {
            MaxSeqLength = options.MaxSeqLength, DocStride = options.DocStride, MaxAnswerLength = options.MaxAnswerLength,
            HandleImpossibleAnswer = options.HandleImpossibleAnswer, AlignToWords = options.AlignToWords, TopK = 1,
        };
        _questions = [.. rows.Select(r => r.Question.TrimStart())];
        _contexts = [.. rows.Select(r => r.Context)];
        _goldAnswers = [.. rows.Select(r => (IReadOnlyList<string>)(r.HasAnswer ? [r.AnswerText!] : []))];
        _windows = QuestionAnsweringPredictor.Encode(decoder, _questions, _contexts, _options);
    }

    /// <summary>Every window of every row, for the up-front checks against the model.</summary>
    public IEnumerable<DebertaEncoding> Windows => _windows.SelectMany(w => w);

    /// <summary>Answers every row and scores the answers against the gold ones.</summary>
    public SquadMetrics Evaluate(DebertaForQuestionAnswering model, int batchSize, CancellationToken cancellationToken)
    {
        var answers = QuestionAnsweringPredictor.Answer(model, _decoder, _questions, _contexts, _windows, _options, batchSize, cancellationToken);
        return SquadEvaluator.Evaluate(_goldAnswers, [.. answers.Select(a => a.Count == 0 ? "" : a[0].Answer)]);
    }
}
