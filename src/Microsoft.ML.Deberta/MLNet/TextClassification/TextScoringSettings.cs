namespace Microsoft.ML.Deberta.MLNet;

/// <summary>What a <see cref="TextScoringEstimator"/> reads, writes and passes to its trainer; built by the catalog methods from their options.</summary>
internal sealed record TextScoringSettings
{
    /// <summary>The text column(s).</summary>
    public required TextColumns Columns { get; init; }

    /// <summary>The label column.</summary>
    public string LabelColumn { get; init; } = "Label";

    /// <summary>Classification or regression.</summary>
    public TextTask Task { get; init; } = TextTask.Classification;

    /// <summary>The added columns' names.</summary>
    public OutputColumnNames Outputs { get; init; } = new();

    /// <summary>Binary outputs (Score, Probability) for a 2-valued key label instead of multiclass ones; a Boolean label always gets them.</summary>
    public bool BinaryLayout { get; init; }

    /// <summary>Rows per forward pass when the fitted transformer scores.</summary>
    public int InferenceBatchSize { get; init; } = 32;

    /// <summary>Rows for validation during training, or null.</summary>
    public IDataView? ValidationSet { get; init; }

    /// <summary>The seed, or null to draw one from the MLContext's seed when the estimator is created.</summary>
    public int? Seed { get; init; }

    /// <summary>Cancels reading and training.</summary>
    public CancellationToken CancellationToken { get; init; }
}
