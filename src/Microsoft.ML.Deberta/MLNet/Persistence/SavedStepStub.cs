using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What a DeBERTa step looks like inside the ML.NET part of a saved .zip: a <c>CustomMapping</c> transformer with
/// contract <see cref="ContractName"/>, which ML.NET can save and load on its own (it records this assembly and finds
/// <see cref="SavedStepStubFactory"/> again). The weights travel beside it in the zip; <c>DebertaModelIO.Load</c>
/// swaps each stub for the real transformer. ML.NET's loader registration (<c>LoadableClass</c>, <c>ModelLoadContext</c>)
/// is internal, so plain <c>mlContext.Model.Load</c> cannot rebuild the step; the stub it returns throws our
/// <see cref="InvalidOperationException"/> naming <c>DebertaModelIO.Load</c> on first use (<see cref="SavedStepMarkerTypeAttribute"/>).
/// </summary>
internal static class SavedStepStub
{
    public const string ContractName = "Microsoft.ML.Deberta.SavedStep.v1";

    // DebertaModelIO.Load comes first: the user reads the way out before the explanation (issue 11).
    public const string LoadInstruction =
        "DebertaModelIO.Load is needed for this model: plain mlContext.Model.Load cannot restore the weights of its DeBERTa steps. " +
        "Load it with Microsoft.ML.Deberta.DebertaModelIO.Load(mlContext, path, out var inputSchema) instead";

    [ThreadStatic]
    private static bool _creating;

    private static readonly Lazy<ITransformer> Instance = new(Create);

    /// <summary>A stub transformer to forward <see cref="ICanSaveModel.Save"/> to.</summary>
    public static ICanSaveModel Saver => Instance.Value;

    /// <summary>True while this class builds its own stub: the only time the stub's input schema may be made.</summary>
    public static bool Creating => _creating;

    /// <summary>True for a stub that ML.NET loaded from a zip.</summary>
    public static bool IsStub(ITransformer transformer) => transformer is CustomMappingTransformer<SavedStepStubInput, SavedStepStubOutput>;

    /// <summary>The mapping; never runs, because the stub's input schema cannot be made. It still says what to do if it ever does.</summary>
    public static void Map(SavedStepStubInput input, SavedStepStubOutput output) => throw new InvalidOperationException(LoadInstruction + ".");

    private static ITransformer Create()
    {
        // A private context: the stub's environment only serves its own Save, which writes two strings.
        var mlContext = new MLContext(seed: 0);
        _creating = true;
        try
        {
            var none = mlContext.Data.LoadFromEnumerable(new List<SavedStepStubInput>());
            return mlContext.Transforms.CustomMapping<SavedStepStubInput, SavedStepStubOutput>(Map, ContractName).Fit(none);
        }
        finally
        {
            _creating = false;
        }
    }
}

/// <summary>The stub's input: one column whose name is the instruction to load the model with DebertaModelIO.</summary>
internal sealed class SavedStepStubInput
{
    [ColumnName(SavedStepStub.LoadInstruction)]
    [SavedStepMarkerType]
    public SavedStepMarker? NotLoaded { get; set; }
}

/// <summary>The stub's output: a marker column.</summary>
internal sealed class SavedStepStubOutput
{
    public bool DebertaStepNotLoaded { get; set; }
}

/// <summary>Lets ML.NET rebuild the stub when it loads a zip (found by contract name in this assembly).</summary>
[CustomMappingFactoryAttribute(SavedStepStub.ContractName)]
internal sealed class SavedStepStubFactory : CustomMappingFactory<SavedStepStubInput, SavedStepStubOutput>
{
    public override Action<SavedStepStubInput, SavedStepStubOutput> GetMapping()
    {
        SavedStepMarkerTypeAttribute.Known();
        return SavedStepStub.Map;
    }
}
