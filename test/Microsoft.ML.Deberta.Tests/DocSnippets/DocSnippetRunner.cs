using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Microsoft.ML.Deberta.Tests.DocSnippets;

/// <summary>Compiles a snippet and runs it in a fresh <see cref="DocSnippetFolder"/> as its current folder.</summary>
internal static class DocSnippetRunner
{
    public static void Run(DocSnippet snippet)
    {
        var (assembly, errors) = DocSnippetCompiler.Compile(snippet);
        if (assembly is null)
            Assert.Fail($"The snippet at {snippet} does not compile as shown:\n{string.Join("\n", errors)}");
        var entry = DocSnippetCompiler.EntryPoint(assembly);
        var folder = DocSnippetFolder.Create(snippet.Code);
        var previous = Environment.CurrentDirectory;
        // Tests run one at a time (MSTestSettings), so changing the process's current folder is safe here.
        Environment.CurrentDirectory = folder;
        try
        {
            var result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            if (result is Task task) task.GetAwaiter().GetResult();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Console.WriteLine($"The snippet at {snippet} threw {e.InnerException.GetType().Name}.");
            ExceptionDispatchInfo.Throw(e.InnerException);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(folder, recursive: true);
        }
    }
}
