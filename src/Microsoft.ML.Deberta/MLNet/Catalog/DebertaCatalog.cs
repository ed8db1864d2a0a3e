using System.Runtime.CompilerServices;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

/// <summary>
/// The DeBERTa components of one <see cref="MLContext"/>: reached as <c>mlContext.Transforms.Deberta</c> or
/// <c>mlContext.Deberta()</c> (both give the same instance). It shares the context's log (<see cref="MLContext.Log"/>)
/// and derives its seeds from the context's seed, so <c>new MLContext(seed)</c> makes runs reproducible.
/// </summary>
public sealed partial class DebertaCatalog
{
    private static readonly ConditionalWeakTable<TransformsCatalog, DebertaCatalog> Catalogs = new();
    private readonly object _randLock = new();

    private DebertaCatalog(IHostEnvironment environment)
    {
        Environment = environment;
        Host = environment.Register("Microsoft.ML.Deberta");
    }

    /// <summary>The ML.NET environment of the owning <see cref="MLContext"/>.</summary>
    internal IHostEnvironment Environment { get; }

    /// <summary>This package's host: its channels log to <see cref="MLContext.Log"/>; its random source follows the context's seed.</summary>
    internal IHost Host { get; }

    /// <summary>Starts a log channel; <c>Info(MessageSensitivity.None, …)</c> messages reach <see cref="MLContext.Log"/>. Dispose it when done.</summary>
    internal IChannel StartChannel(string name) => Host.Start(name);

    /// <summary>
    /// Draws the next seed from the host's random source. Deterministic for <c>new MLContext(seed)</c> and the same
    /// sequence of calls; used when a component is given no explicit seed.
    /// </summary>
    internal int NextSeed()
    {
        lock (_randLock)
            return Host.Rand.Next();
    }

    /// <summary>The catalog of <paramref name="transforms"/>, created once per <see cref="MLContext"/>.</summary>
    internal static DebertaCatalog For(TransformsCatalog transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        return Catalogs.GetValue(transforms, t => new DebertaCatalog(CatalogEnvironment.Read(t)));
    }

    /// <summary>The catalog of <paramref name="mlContext"/>; falls back to the context itself as environment when
    /// ML.NET's internals cannot be read, so this entry point keeps working where the extension property cannot.</summary>
    internal static DebertaCatalog For(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return Catalogs.GetValue(mlContext.Transforms, t =>
        {
            try { return new DebertaCatalog(CatalogEnvironment.Read(t)); }
            catch (InvalidOperationException) { return new DebertaCatalog(mlContext); }
        });
    }
}
