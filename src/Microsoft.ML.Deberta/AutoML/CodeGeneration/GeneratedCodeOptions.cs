namespace Microsoft.ML.Deberta.AutoML;

/// <summary>Names and references of the project <see cref="ConsumptionCodeGenerator"/> writes.</summary>
public sealed class GeneratedCodeOptions
{
    /// <summary>The class holding <c>ModelInput</c>, <c>ModelOutput</c>, <c>Predict</c> and the training code (Model Builder names it after the model).</summary>
    public string ModelName { get; set; } = "DebertaModel";

    /// <summary>The namespace of the generated code.</summary>
    public string Namespace { get; set; } = "DebertaModel.ConsoleApp";

    /// <summary>The saved model, relative to the project folder (copied next to the built program).</summary>
    public string ModelPath { get; set; } = "../model.zip";

    /// <summary>
    /// A path to Microsoft.ML.Deberta's .csproj to reference instead of the NuGet package (for a build inside this
    /// repository); null references the package <c>Microsoft.ML.Deberta</c> at <see cref="PackageVersion"/>.
    /// </summary>
    public string? LibraryProjectPath { get; set; }

    /// <summary>The Microsoft.ML.Deberta package version when no project path is given.</summary>
    public string PackageVersion { get; set; } = typeof(GeneratedCodeOptions).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
}
