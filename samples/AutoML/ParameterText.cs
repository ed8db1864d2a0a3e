using System.Globalization;
using Microsoft.ML.Deberta.AutoML;

namespace Microsoft.ML.Deberta.Samples.AutoML;

/// <summary>A trial's hyperparameters in one short line for tables and logs.</summary>
internal static class ParameterText
{
    public static string Short(Parameter p)
    {
        string Num(string name, string format) => p.Contains(name) ? p.GetNumber(name).ToString(format, CultureInfo.InvariantCulture) : "-";
        var model = p.Contains("Model") ? p.GetString("Model") : "-";
        if (!model.StartsWith("scratch-", StringComparison.Ordinal)) model = Path.GetFileName(model.TrimEnd('/', '\\'));
        return $"{model} lr {Num("LearningRate", "0.0e0")} bs {Num("BatchSize", "0")} ep {Num("Epochs", "0")} len {Num("MaxLength", "0")} " +
               $"wu {Num("WarmupRatio", "0.00")} wd {Num("WeightDecay", "0.000")}";
    }

    public static string Metric(double? value) => value is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
