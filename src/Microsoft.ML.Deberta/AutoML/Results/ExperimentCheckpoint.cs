using System.Globalization;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// An experiment folder: the trial store (<c>trials.db</c> unless another store is given) and the best model so far
/// (<c>best-model.zip</c>, with its trial id in <c>best-model.trial</c>), so that a resumed run still returns the best
/// model of trials it did not rerun.
/// </summary>
internal sealed class ExperimentCheckpoint(string folder, ITrialStore store)
{
    private string ModelPath => Path.Combine(folder, "best-model.zip");

    private string ModelTrialPath => Path.Combine(folder, "best-model.trial");

    public ITrialStore Store => store;

    /// <summary>The key a store must match: everything that decides which parameters the tuner proposes.</summary>
    public static string Key(TextAutoMLExperiment e, TextAutoMLMetric metric, ITuner tuner) =>
        $"task: {e.Task}\nmetric: {metric}\ncolumns: {e.LabelColumn}, {e.TextColumn}, {e.TextPairColumn}\nseed: {e.Seed}\n" +
        $"tuner: {tuner.GetType().FullName}\n{e.Space.Describe()}";

    /// <summary>Writes the best model (replacing the previous one only once the new file is complete).</summary>
    public void SaveBest(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, int trialId)
    {
        Directory.CreateDirectory(folder);
        var partial = ModelPath + ".partial";
        DebertaModelIO.Save(mlContext, model, inputSchema, partial);
        File.Move(partial, ModelPath, overwrite: true);
        File.WriteAllText(ModelTrialPath, trialId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The saved best model, when it is trial <paramref name="trialId"/>'s; null otherwise.</summary>
    public ITransformer? LoadBest(MLContext mlContext, int trialId)
    {
        if (!File.Exists(ModelPath) || !File.Exists(ModelTrialPath)
            || File.ReadAllText(ModelTrialPath).Trim() != trialId.ToString(CultureInfo.InvariantCulture))
            return null;
        return DebertaModelIO.Load(mlContext, ModelPath, out _);
    }
}
