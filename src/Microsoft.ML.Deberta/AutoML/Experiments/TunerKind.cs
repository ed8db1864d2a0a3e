namespace Microsoft.ML.Deberta.AutoML;

/// <summary>The built-in tuners of <see cref="TextAutoMLExperiment.SetTuner(TunerKind)"/>.</summary>
public enum TunerKind
{
    /// <summary><see cref="CostFrugalTuner"/>: starts at the cheapest point and searches locally (the default, as in AutoML).</summary>
    CostFrugal,

    /// <summary><see cref="RandomSearchTuner"/>.</summary>
    Random,

    /// <summary><see cref="GridSearchTuner"/> with 3 values per numeric range.</summary>
    Grid,
}
