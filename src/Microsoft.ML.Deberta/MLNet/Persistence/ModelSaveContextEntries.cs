using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Adds files as entries of the folder ML.NET gives a step while <c>mlContext.Model.Save</c> runs, so a plain save
/// holds each DeBERTa step's weights next to its stub. ML.NET 5 keeps every <see cref="ModelSaveContext"/> member but
/// <c>Dispose</c> internal, including <c>SaveBinaryStream</c> (public in ML.NET 0.x); it is found once, by reflection.
/// </summary>
/// <remarks>
/// The one reflected member has kept its name and signature since ML.NET 1.0. Should an update rename it,
/// <see cref="Available"/> turns false and plain saves refuse with a message naming <c>DebertaModelIO.Save</c>, which
/// needs no internal member; <c>PlainModelSaveTests</c> fails first.
/// </remarks>
internal static class ModelSaveContextEntries
{
    private static readonly MethodInfo? SaveBinaryStream = typeof(ModelSaveContext).GetMethod(
        "SaveBinaryStream", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string), typeof(Action<BinaryWriter>)]);

    /// <summary>True when this ML.NET version has the member; else plain saves must refuse.</summary>
    public static bool Available => SaveBinaryStream is not null;

    /// <summary>Adds <paramref name="file"/> as entry <paramref name="name"/> ('/'-separated, relative to the step's folder).</summary>
    public static void AddFile(ModelSaveContext ctx, string name, string file) => Add(ctx, name, writer =>
    {
        using var source = File.OpenRead(file);
        source.CopyTo(writer.BaseStream);
    });

    /// <summary>Adds <paramref name="content"/> as entry <paramref name="name"/>.</summary>
    public static void AddBytes(ModelSaveContext ctx, string name, byte[] content) => Add(ctx, name, writer => writer.Write(content));

    private static void Add(ModelSaveContext ctx, string name, Action<BinaryWriter> write)
    {
        var method = SaveBinaryStream ?? throw new InvalidOperationException("ModelSaveContext.SaveBinaryStream is missing.");
        try
        {
            method.Invoke(ctx, [name, write]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
