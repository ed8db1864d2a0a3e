using System.Runtime.CompilerServices;

// The fake model behind the ML.NET layer's seam lives in its own small test executable, so that a child process
// can load a saved .zip (fresh-process round trip). The test project itself is listed in the .csproj.
[assembly: InternalsVisibleTo("Microsoft.ML.Deberta.Tests.FakeModel")]
