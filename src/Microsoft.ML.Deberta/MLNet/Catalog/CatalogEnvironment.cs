using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Reads the <see cref="IHostEnvironment"/> an ML.NET catalog was built with. ML.NET exposes it only through an
/// internal interface, so this reads the catalog's private <c>_env</c> field (Microsoft.ML 5.0.x) by reflection,
/// once per catalog type, and fails with an explanation if ML.NET's internals have changed.
/// </summary>
internal static class CatalogEnvironment
{
    private const string FieldName = "_env";

    /// <summary>Returns the environment behind <paramref name="catalog"/>.</summary>
    /// <exception cref="InvalidOperationException">The catalog type has no readable <c>_env</c> environment field.</exception>
    public static IHostEnvironment Read(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var field = catalog.GetType().GetField(FieldName, BindingFlags.Instance | BindingFlags.NonPublic);
        if (field?.GetValue(catalog) is IHostEnvironment env)
            return env;
        var mlnet = typeof(TransformsCatalog).Assembly.GetName().Version;
        throw new InvalidOperationException(
            $"Microsoft.ML.Deberta could not read the ML.NET environment from {catalog.GetType().FullName}: its private " +
            $"'{FieldName}' field is missing or not an IHostEnvironment. This package is built for Microsoft.ML 5.0.x and " +
            $"found Microsoft.ML {mlnet}. Use mlContext.Deberta() instead of mlContext.Transforms.Deberta, or a matching " +
            "Microsoft.ML version.");
    }
}
