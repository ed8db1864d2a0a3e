using System.Text;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests;

[TestClass]
public sealed class TorchRuntimeTests
{
    // What TorchSharp 0.107 throws on Debian 12 (GCC 12's libstdc++).
    private static readonly Exception Debian12Failure = new TypeInitializationException("TorchSharp.torch",
        new NotSupportedException("This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64, Version=2.10.0.0.\nTrace from LoadNativeBackend:\nStep 1 - ..."));

    private const string LibPath = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    [TestMethod]
    public void LibTorchLoadsAndComputes()
    {
        TorchRuntime.EnsureLoaded();
        using var a = torch.ones(2, 3);
        using var s = a.sum();
        Assert.AreEqual(6f, s.item<float>());
    }

    [TestMethod]
    public void AnOldLibStdCxxIsNamedWithTheVersionNeededTheOneFoundAndTheExecVerb()
    {
        // A fake shared object: binary noise around the version names, as in .gnu.version_d.
        byte[] content = [0x7f, .. "ELF\0\u0001GLIBCXX_3.4\0GLIBCXX_3.4.9\0GLIBCXX_3.4.30\0GLIBCXX_3.4.29\0CXXABI_1.3.13\0"u8];

        string message = TorchRuntime.Describe(Debian12Failure, LibPath, content);

        StringAssert.Contains(message, "needs libstdc++ symbol version GLIBCXX_3.4.32");
        StringAssert.Contains(message, $"this host's {LibPath} has GLIBCXX_3.4.30 at most");
        StringAssert.Contains(message, "./build.sh exec -- dotnet YourApp.dll");
        StringAssert.Contains(message, "section Platforms");
        StringAssert.Contains(message, "Debian 13+, Ubuntu 24.04+), Windows x64 or macOS arm64");
        StringAssert.Contains(message, "TorchSharp said: This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64");
        Assert.IsFalse(message.Contains("missing native package", StringComparison.Ordinal), message);
        Assert.IsFalse(message.Contains("Trace from LoadNativeBackend", StringComparison.Ordinal), "TorchSharp's probing trace stays in the inner exception");
    }

    [TestMethod]
    public void ALibStdCxxWithoutAnyVersionNameIsSaidSo()
    {
        string message = TorchRuntime.Describe(Debian12Failure, LibPath, Encoding.ASCII.GetBytes("not an ELF file"));

        StringAssert.Contains(message, $"this host's {LibPath} has no GLIBCXX version");
    }

    [TestMethod]
    public void ANewEnoughLibStdCxxPointsAtTheMissingNativePackage()
    {
        byte[] content = Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0GLIBCXX_3.4.33\0");

        string message = TorchRuntime.Describe(Debian12Failure, LibPath, content);

        StringAssert.Contains(message, $"this host's {LibPath} has GLIBCXX_3.4.32, so the likely cause is a missing native package");
        StringAssert.Contains(message, "reference TorchSharp-cpu");
        Assert.IsFalse(message.Contains("at most", StringComparison.Ordinal), message);
    }

    [TestMethod]
    public void WithoutALibStdCxxToReadTheMissingPackageIsTheCause()
    {
        var failure = new TypeInitializationException("TorchSharp.torch", new DllNotFoundException("Unable to load DLL 'LibTorchSharp'"));

        string message = TorchRuntime.Describe(failure, libStdCxxPath: null, libStdCxxContent: null);

        StringAssert.Contains(message, "the native package is likely missing: the app must reference TorchSharp-cpu");
        StringAssert.Contains(message, "TorchSharp said: Unable to load DLL 'LibTorchSharp'");
    }
}
