using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The column type attribute of the stub's input. ML.NET calls <see cref="Register"/> whenever it builds a schema from
/// <see cref="SavedStepStubInput"/>, which a stub does first thing in <c>GetOutputSchema</c>, <c>Transform</c> and
/// <c>GetRowToRowMapper</c> (so also <c>CreatePredictionEngine</c>). Outside the stub's own creation it throws the
/// instruction to use <c>DebertaModelIO.Load</c>, so that, and not ML.NET's "could not find column", is the first
/// thing a user of a plainly loaded model reads.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SavedStepMarkerTypeAttribute : DataViewTypeAttribute
{
    /// <exception cref="InvalidOperationException">Always, except while <see cref="SavedStepStub"/> creates its stub.</exception>
    public override void Register()
    {
        if (!SavedStepStub.Creating)
            throw new InvalidOperationException(SavedStepStub.LoadInstruction + ".");
        Known();
    }

    /// <summary>
    /// Tells ML.NET the column type. Done when a stub is made or loaded: ML.NET checks an unknown member type against
    /// the input schema (and fails with an index error) before it asks the attribute to <see cref="Register"/>.
    /// </summary>
    public static void Known() => DataViewTypeManager.Register(SavedStepMarkerType.Instance, typeof(SavedStepMarker), new SavedStepMarkerTypeAttribute());

    public override bool Equals(DataViewTypeAttribute other) => other is SavedStepMarkerTypeAttribute;

    public override int GetHashCode() => typeof(SavedStepMarkerTypeAttribute).GetHashCode();
}

/// <summary>The value type of the stub's input column; no value of it ever exists.</summary>
internal sealed class SavedStepMarker;

/// <summary>The column type of the stub's input.</summary>
internal sealed class SavedStepMarkerType : StructuredDataViewType
{
    public static SavedStepMarkerType Instance { get; } = new();

    private SavedStepMarkerType() : base(typeof(SavedStepMarker))
    {
    }

    public override bool Equals(DataViewType? other) => other is SavedStepMarkerType;

    public override int GetHashCode() => typeof(SavedStepMarkerType).GetHashCode();

    public override string ToString() => "DeBERTa step not loaded";
}
