namespace Microsoft.ML.Deberta.AutoML;

/// <summary>Where a trial stands.</summary>
public enum TrialStatus
{
    /// <summary>Training or evaluating (in a store: started, and never finished if the experiment was killed).</summary>
    Running,

    /// <summary>Trained and evaluated; it has a metric.</summary>
    Completed,

    /// <summary>Threw; the error is recorded and the sweep went on.</summary>
    Failed,

    /// <summary>Cancelled by the caller's token before it finished.</summary>
    Cancelled,
}
