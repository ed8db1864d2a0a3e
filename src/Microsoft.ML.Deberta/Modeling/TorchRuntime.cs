using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Checks, once per process, that TorchSharp's native library loads, and turns its failure into a
/// <see cref="TorchRuntimeUnavailableException"/> that says why and what to do. Called where a user first reaches
/// TorchSharp through this library: model construction (which checkpoint loading and the ML.NET layer go through).
/// </summary>
internal static partial class TorchRuntime
{
    /// <summary>The libstdc++ symbol version TorchSharp 0.107's native library needs (GCC 13 or newer).</summary>
    internal const string RequiredGlibcxx = "GLIBCXX_3.4.32";

    // Where Linux distributions keep libstdc++; the first that exists is the one the loader picks.
    private static readonly string[] LibStdCxxPaths =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    ];

    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad);

    /// <summary>Throws <see cref="TorchRuntimeUnavailableException"/> when libtorch cannot load here.</summary>
    internal static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } failure)
            throw new TorchRuntimeUnavailableException(Describe(failure), failure);
    }

    /// <summary>The same as <see cref="EnsureLoaded()"/>, passing <paramref name="value"/> through (for base-constructor arguments).</summary>
    internal static T EnsureLoaded<T>(T value)
    {
        EnsureLoaded();
        return value;
    }

    // Separate method so that the torch type is first touched here, inside the try.
    private static Exception? TryLoad()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or BadImageFormatException)
        {
            return e;
        }
    }

    private static string Describe(Exception failure)
    {
        if (!OperatingSystem.IsLinux())
            return Describe(failure, libStdCxxPath: null, libStdCxxContent: null);
        string? path = LibStdCxxPaths.FirstOrDefault(File.Exists);
        return Describe(failure, path, path is null ? null : File.ReadAllBytes(path));
    }

    /// <summary>
    /// The message for a load failure: the cause (from the host's libstdc++ file, when one is given), the platforms
    /// that work, and the remedies.
    /// </summary>
    /// <param name="failure">What TorchSharp threw.</param>
    /// <param name="libStdCxxPath">The host's libstdc++ file on Linux, or null (not Linux, or not found).</param>
    /// <param name="libStdCxxContent">That file's bytes, or null.</param>
    internal static string Describe(Exception failure, string? libStdCxxPath, byte[]? libStdCxxContent)
    {
        string cause;
        if (libStdCxxPath is not null && libStdCxxContent is not null)
        {
            int? newest = NewestGlibcxxMinor(libStdCxxContent);
            string found = newest is null ? "no GLIBCXX version" : $"GLIBCXX_3.4.{newest} at most";
            cause = newest is null || newest < 32
                ? $"its native library needs libstdc++ symbol version {RequiredGlibcxx} (GCC 13 or newer), and this host's {libStdCxxPath} has {found} (Debian 12 and Ubuntu 22.04 are such hosts)"
                : $"this host's {libStdCxxPath} has {RequiredGlibcxx}, so the likely cause is a missing native package: the app must reference TorchSharp-cpu (it brings libtorch-cpu)";
        }
        else
        {
            cause = "the native package is likely missing: the app must reference TorchSharp-cpu (it brings libtorch-cpu)";
        }
        var message = new StringBuilder()
            .Append("TorchSharp's native library (libtorch) could not be loaded, so DeBERTa models cannot run in this process: ")
            .Append(cause).Append(". ")
            .Append("Run the app on Linux x64 with GCC 13's libstdc++ or newer (Debian 13+, Ubuntu 24.04+), Windows x64 or macOS arm64; ")
            .Append("on Debian 12, start it with `./build.sh exec -- dotnet YourApp.dll` from the Microsoft.ML.Deberta repository ")
            .Append("(it runs the command in a Debian 13 root), or in a Debian 13 container; see the README, section Platforms. ")
            .Append("TorchSharp said: ").Append(FirstLine(Innermost(failure).Message));
        return message.ToString();
    }

    private static int? NewestGlibcxxMinor(byte[] content)
    {
        // The version names are plain ASCII strings in the file's .dynstr/.gnu.version_d sections.
        int? newest = null;
        foreach (Match match in GlibcxxVersion().Matches(Encoding.Latin1.GetString(content)))
        {
            int minor = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (newest is null || minor > newest)
                newest = minor;
        }
        return newest;
    }

    // TorchSharp's message goes on with its whole probing trace; the inner exception keeps it for whoever needs it.
    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    [GeneratedRegex(@"GLIBCXX_3\.4\.(\d+)")]
    private static partial Regex GlibcxxVersion();
}
