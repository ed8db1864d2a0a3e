using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// The question-answering head's part of <see cref="FineTuningLoop"/>: every labelled window
/// (<see cref="QuestionAnsweringFeatureBuilder"/>, run_qa.py's features) is an example; the loss is the model's own
/// (mean of the start and end cross-entropies); validation answers the held-out questions as the pipeline does and
/// scores them with the SQuAD script's F1 (exact match beside it), in percent.
/// </summary>
internal sealed class QuestionAnsweringObjective : IFineTuningObjective
{
    private readonly DebertaForQuestionAnswering _model;
    private readonly IReadOnlyList<QuestionAnsweringTrainingFeature> _train;
    private readonly List<EncodedExample> _examples;
    private readonly QuestionAnsweringValidationSet? _validation;
    private readonly long _padId;
    private readonly Device _device;

    public QuestionAnsweringObjective(
        DebertaForQuestionAnswering model, IReadOnlyList<QuestionAnsweringTrainingFeature> train, QuestionAnsweringValidationSet? validation)
    {
        _model = model;
        _train = train;
        _validation = validation;
        _examples = train.Select((f, i) => TokenLevelPredictor.Unpadded(f.Window, i)).ToList();
        _padId = model.Config.PadTokenId ?? 0;
        _device = SequenceClassificationPredictor.ModelDevice(model);
    }

    /// <summary>The training windows as the model sees them (one source row each), for the up-front checks.</summary>
    public IReadOnlyList<EncodedExample> Examples => _examples;

    public int ExampleCount => _examples.Count;

    public bool HasValidation => _validation is not null;

    public string MetricName => "F1";

    public Tensor Loss(ReadOnlySpan<int> indices)
    {
        var batch = PaddedBatch.Build(_examples, indices, _padId, _device);
        var starts = new long[indices.Length];
        var ends = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            starts[i] = _train[indices[i]].StartPosition;
            ends[i] = _train[indices[i]].EndPosition;
        }
        return _model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds,
            startPositions: torch.tensor(starts, device: _device), endPositions: torch.tensor(ends, device: _device)).Loss!;
    }

    public (double Metric, string? Detail) Validate(int batchSize, CancellationToken cancellationToken)
    {
        SquadMetrics metrics = _validation!.Evaluate(_model, batchSize, cancellationToken);
        return (metrics.Overall.F1, $"exact match {FineTuningLoop.Format(metrics.Overall.ExactMatch)}");
    }

    public bool IsImprovement(double metric, double? best, double minDelta) => best is not double b || metric > b + minDelta;
}
