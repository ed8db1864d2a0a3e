using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Token classification for <see cref="FineTuningLoop"/>: every window of a row is an example whose tokens carry
/// the word labels as <c>run_ner.py</c> aligns them (<see cref="WordLabelAligner"/>; −100 elsewhere); validation
/// reads one label per word (<see cref="WordPredictionDecoder"/>) and scores entity F1 with seqeval's rules
/// (<see cref="EntityEvaluator"/>; token accuracy logged).
/// </summary>
internal sealed class TokenClassificationObjective : IFineTuningObjective
{
    private readonly DebertaForTokenClassification _model;
    private readonly List<EncodedExample> _examples = [];
    private readonly List<int[]> _tokenLabels = [];
    private readonly TokenClassificationSet? _validation;
    private readonly IReadOnlyList<string> _id2label;
    private readonly int _batchSize;
    private readonly long _padId;

    public TokenClassificationObjective(DebertaForTokenClassification model, TokenClassificationSet train, TokenClassificationSet? validation,
        IReadOnlyList<string> id2label, bool labelAllTokens, int batchSize)
    {
        _model = model;
        _validation = validation;
        _id2label = id2label;
        _batchSize = batchSize;
        _padId = model.Config.PadTokenId ?? 0;
        for (int row = 0; row < train.Count; row++)
        {
            foreach (var window in train.Windows[row])
            {
                int length = Tasks.WindowLogits.UnpaddedLength(window);
                var labels = WordLabelAligner.Align(window, train.WordLabels[row], labelAllTokens, id2label).AsSpan(0, length).ToArray();
                // A window of nothing but a long word's inner pieces has no label to learn from (and a loss of 0/0).
                if (labels.All(l => l == WordLabelAligner.IgnoredLabel))
                    continue;
                _examples.Add(new EncodedExample([.. window.InputIds.Take(length)], [.. window.TokenTypeIds.Take(length)], row));
                _tokenLabels.Add(labels);
            }
        }
        if (_examples.Count == 0)
            throw new ArgumentException("No training window has a labelled token.", nameof(train));
    }

    /// <summary>The training examples (windows), for checks against the model.</summary>
    public IReadOnlyList<EncodedExample> Examples => _examples;

    /// <summary>Each example's token labels as the loss reads them (−100 where a token has none), for checks.</summary>
    public IReadOnlyList<int[]> TokenLabels => _tokenLabels;

    public int ExampleCount => _examples.Count;

    public bool HasValidation => _validation is not null;

    public string MetricName => "entity-F1";

    public Tensor Loss(ReadOnlySpan<int> indices)
    {
        var device = SequenceClassificationPredictor.ModelDevice(_model);
        var batch = PaddedBatch.Build(_examples, indices, _padId, device);
        int width = (int)batch.InputIds.shape[1];
        var labels = new long[indices.Length * width];
        Array.Fill(labels, WordLabelAligner.IgnoredLabel);
        for (int r = 0; r < indices.Length; r++)
        {
            var row = _tokenLabels[indices[r]];
            for (int t = 0; t < row.Length; t++)
                labels[r * width + t] = row[t];
        }
        var target = torch.tensor(labels, [indices.Length, width], device: device);
        return _model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, labels: target).Loss!;
    }

    public (double Metric, string? Detail) Validate(int batchSize, CancellationToken cancellationToken)
    {
        var set = _validation!;
        var predicted = TokenClassificationWordPredictor.Predict(_model, set.Windows, set.WordCounts, _batchSize, cancellationToken);
        var gold = set.WordLabels.Select(row => (IReadOnlyList<string>)[.. row.Select(l => _id2label[l])]).ToList();
        var guessed = predicted.Select(row => (IReadOnlyList<string>)[.. row.Select(p => _id2label[p.LabelId])]).ToList();
        var metrics = EntityEvaluator.Evaluate(gold, guessed);
        return (metrics.Micro.F1, $"token accuracy {FineTuningLoop.Format(metrics.TokenAccuracy)}");
    }

    public bool IsImprovement(double metric, double? best, double minDelta) => best is not double b || metric > b + minDelta;
}
