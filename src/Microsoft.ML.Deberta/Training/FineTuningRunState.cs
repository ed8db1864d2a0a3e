namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Where a fine-tuning run stands between two optimizer steps, besides the tensors (weights, AdamW state, dropout
/// generator, best-epoch weights): what a training checkpoint stores as JSON so a resumed run takes the same steps.
/// The data position is <see cref="Epoch"/> and <see cref="NextExample"/>: an epoch's order depends only on the seed
/// and the epoch (<see cref="SequenceClassificationTrainer.EpochOrder"/>).
/// </summary>
internal sealed class FineTuningRunState
{
    /// <summary>The checkpoint format; a different one is refused.</summary>
    public int FormatVersion { get; set; } = CurrentFormat;

    public const int CurrentFormat = 1;

    /// <summary>Counts the checkpoints written by the run (names the checkpoint folders).</summary>
    public int Sequence { get; set; }

    /// <summary>The run that wrote the checkpoint.</summary>
    public FineTuningRunIdentity? Run { get; set; }

    /// <summary>The 1-based epoch in progress (or the next one, after an epoch ended); past the last epoch when the run ended.</summary>
    public int Epoch { get; set; } = 1;

    /// <summary>Index, in the epoch's order, of the first example of the next batch.</summary>
    public int NextExample { get; set; }

    /// <summary>Optimizer steps taken so far in the run.</summary>
    public int StepsDone { get; set; }

    /// <summary>Sum of loss × batch size over the epoch's steps so far.</summary>
    public double EpochLossSum { get; set; }

    /// <summary>Examples the epoch has trained on so far.</summary>
    public int EpochExamplesSeen { get; set; }

    /// <summary>Wall-clock time the epoch has taken so far (its summary's duration counts the time before a resume).</summary>
    public TimeSpan EpochElapsed { get; set; }

    /// <summary>The completed epochs.</summary>
    public List<EpochSummary> Epochs { get; set; } = [];

    /// <summary>The best validation metric so far.</summary>
    public double? BestMetric { get; set; }

    /// <summary>The epoch whose weights the run keeps.</summary>
    public int BestEpoch { get; set; }

    /// <summary>Epochs since the validation metric last improved.</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>Whether early stopping ended the run.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>Length of the checkpoint's tensor file.</summary>
    public long TensorBytes { get; set; }

    /// <summary>SHA-256 of the checkpoint's tensor file (a damaged file is refused).</summary>
    public string TensorSha256 { get; set; } = "";

    /// <summary>Whether no epoch is left to train.</summary>
    public bool Ended(int epochs) => StoppedEarly || Epoch > epochs;

    /// <summary>Moves to the start of the next epoch.</summary>
    public void StartNextEpoch()
    {
        Epoch++;
        NextExample = 0;
        EpochLossSum = 0;
        EpochExamplesSeen = 0;
        EpochElapsed = TimeSpan.Zero;
    }
}
