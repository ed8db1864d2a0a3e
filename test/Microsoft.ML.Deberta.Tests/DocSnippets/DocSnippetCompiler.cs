using System.Reflection;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Microsoft.ML.Deberta.Tests.DocSnippets;

/// <summary>
/// Compiles a snippet as the console app a reader would paste it into: <c>dotnet new console</c> on .NET 10 (C# 14,
/// nullable enabled, the SDK's implicit usings) referencing the Microsoft.ML.Deberta package, whose dependencies are the
/// ones the tests run with. Errors point at the document's own lines.
/// </summary>
internal static class DocSnippetCompiler
{
    // What `dotnet new console` (ImplicitUsings=enable) adds to every file.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // The test run's own assemblies are not what an app referencing the package sees.
    private static readonly string[] NotReferenced =
        ["Microsoft.ML.Deberta.Tests", "Microsoft.ML.Deberta.Samples", "Microsoft.VisualStudio.TestPlatform", "Microsoft.TestPlatform",
         "Microsoft.VisualStudio.TestTools", "MSTest", "Microsoft.Testing", "testhost", "Microsoft.CodeAnalysis", "Spectre.Console"];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(FindReferences);

    /// <summary>The compiled program, or the compiler's errors as "file(line,column): error CSxxxx: message" lines.</summary>
    public static (byte[]? Assembly, IReadOnlyList<string> Errors) Compile(DocSnippet snippet)
    {
        var options = new CSharpParseOptions(LanguageVersion.CSharp14);
        // #line maps the snippet's lines to the document's, so errors name README.md:146 rather than a temporary file.
        var code = $"#line {snippet.Line} \"{snippet.File}\"\n{snippet.Code}";
        var compilation = CSharpCompilation.Create(
            "Snippet_" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(ImplicitUsings, options, path: "ImplicitUsings.cs"), CSharpSyntaxTree.ParseText(code, options, path: snippet.File)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
        return (result.Success ? stream.ToArray() : null, errors);
    }

    private static IReadOnlyList<MetadataReference> FindReferences()
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return [.. platform.Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(path => !NotReferenced.Any(prefix => Path.GetFileName(path).StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(group => group.First())
            .Where(IsManaged)
            .Select(path => MetadataReference.CreateFromFile(path))];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            using var reader = new PEReader(File.OpenRead(path));
            return reader.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>Loads a compiled snippet and returns its entry point.</summary>
    public static MethodInfo EntryPoint(byte[] assembly) =>
        Assembly.Load(assembly).EntryPoint ?? throw new InvalidOperationException("The snippet compiled without an entry point.");
}
