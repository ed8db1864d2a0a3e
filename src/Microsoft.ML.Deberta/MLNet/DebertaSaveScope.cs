using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Collects, in save order, the DeBERTa steps that ML.NET's <c>Model.Save</c> meets while <c>DebertaModelIO.Save</c>
/// runs it, so their payloads can be written beside the ML.NET entries. Outside such a save a step refuses to be
/// saved: a zip without weights would look fine and fail much later.
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

    /// <summary>Called from a step's <c>ICanSaveModel.Save</c>: records it and writes its stub in its place.</summary>
    public static void SaveStep(IDebertaPipelineStep step, ModelSaveContext ctx)
    {
        var scope = _current ?? throw new InvalidOperationException(
            "mlContext.Model.Save cannot store a DeBERTa model's weights. Save it with " +
            "Microsoft.ML.Deberta.DebertaModelIO.Save(mlContext, model, inputSchema, path), which writes one ML.NET .zip " +
            "holding the pipeline and the weights.");
        scope._steps.Add(step);
        SavedStepStub.Saver.Save(ctx);
    }

    public void Dispose() => _current = _outer;
}
