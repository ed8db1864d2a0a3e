using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// How a DeBERTa step saves itself when ML.NET's <c>Model.Save</c> meets it. Inside <c>DebertaModelIO.Save</c> (a scope
/// is open on the thread) the step writes its stub and is collected, in save order, so its payload goes into the
/// .zip's <c>Microsoft.ML.Deberta/</c> folder (weights stored uncompressed). In a plain <c>mlContext.Model.Save</c> the
/// step writes its stub and its payload into its own ML.NET folder (<see cref="StepPayloadEntries"/>), so the file is
/// complete either way and <c>DebertaModelIO.Load</c> opens both.
/// </summary>
internal sealed class DebertaSaveScope : IDisposable
{
    [ThreadStatic]
    private static DebertaSaveScope? _current;

    private readonly DebertaSaveScope? _outer;
    private readonly List<IDebertaPipelineStep> _steps = [];

    private DebertaSaveScope()
    {
        _outer = _current;
        _current = this;
    }

    /// <summary>The steps saved so far, in the order ML.NET wrote their stubs.</summary>
    public IReadOnlyList<IDebertaPipelineStep> Steps => _steps;

    /// <summary>Starts collecting on this thread (ML.NET saves synchronously on the caller's thread).</summary>
    public static DebertaSaveScope Begin() => new();

    /// <summary>Called from a step's <c>ICanSaveModel.Save</c>: writes its stub, then records it or writes its payload.</summary>
    /// <exception cref="InvalidOperationException">A plain save, with an ML.NET version whose internal save member is gone.</exception>
    public static void SaveStep(IDebertaPipelineStep step, ModelSaveContext ctx)
    {
        if (_current is { } scope)
        {
            scope._steps.Add(step);
            SavedStepStub.Saver.Save(ctx);
            return;
        }
        if (!ModelSaveContextEntries.Available)
            throw new InvalidOperationException(
                "mlContext.Model.Save cannot store a DeBERTa model's weights with this version of ML.NET. Save it with " +
                "Microsoft.ML.Deberta.DebertaModelIO.Save(mlContext, model, inputSchema, path), which writes one ML.NET .zip " +
                "holding the pipeline and the weights.");
        SavedStepStub.Saver.Save(ctx);
        StepPayloadEntries.Write(step, ctx);
    }

    public void Dispose() => _current = _outer;
}
