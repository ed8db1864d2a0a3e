using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A step's payload written by a plain <c>mlContext.Model.Save</c>: inside the step's own ML.NET folder, a
/// <c>Microsoft.ML.Deberta/</c> folder laid out like the one <c>DebertaModelIO.Save</c> writes at the top of the .zip —
/// a one-step <c>manifest.json</c> and the step's files under <c>step/</c>. <c>DebertaModelIO.Load</c> finds these
/// manifests in the order ML.NET wrote them, which is the order of the stubs.
/// </summary>
internal static class StepPayloadEntries
{
    public const string StepFolder = "step";

    /// <summary>Writes <paramref name="step"/>'s payload into the folder of <paramref name="ctx"/>.</summary>
    public static void Write(IDebertaPipelineStep step, ModelSaveContext ctx)
    {
        var work = Directory.CreateTempSubdirectory("deberta-save-");
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(work.FullName, StepFolder)).FullName;
            step.WriteStep(folder);
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
                ModelSaveContextEntries.AddFile(ctx, $"{PayloadManifest.Root}{StepFolder}/{relative}", file);
            }
            var manifest = new PayloadManifest { Steps = [new PayloadManifest.Step(StepFolder, step.PayloadKind, step.StepKind)] };
            ModelSaveContextEntries.AddBytes(ctx, PayloadManifest.EntryName, manifest.ToBytes());
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
