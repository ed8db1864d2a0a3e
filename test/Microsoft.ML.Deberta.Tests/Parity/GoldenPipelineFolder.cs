using System.Text.Json;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// One <c>pipelines/&lt;name&gt;/</c> folder of the golden root: a checkpoint as it ships (config, float16 weights,
/// tokenizer files) and <c>golden_pipeline.json</c>, what transformers' pipelines returned for its <c>texts</c> and
/// <c>qa</c> question/context pairs, one entry of <c>outputs</c> per pipeline setting.
/// </summary>
internal sealed class GoldenPipelineFolder : IDisposable
{
    private readonly JsonDocument _document;

    private GoldenPipelineFolder(string path, JsonDocument document)
    {
        Path = path;
        _document = document;
        JsonElement root = document.RootElement;
        Texts = root.TryGetProperty("texts", out JsonElement texts) ? [.. texts.EnumerateArray().Select(t => t.GetString()!)] : [];
        QuestionContexts = root.TryGetProperty("qa", out JsonElement qa)
            ? [.. qa.EnumerateArray().Select(p => (p.GetProperty("question").GetString()!, p.GetProperty("context").GetString()!))]
            : [];
        Outputs = root.GetProperty("outputs");
    }

    /// <summary>The folder (load the model and tokenizer from it).</summary>
    public string Path { get; }

    /// <summary>The folder's name, for reports.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The pipeline inputs for single texts (<c>texts</c>).</summary>
    public string[] Texts { get; }

    /// <summary>The question-answering inputs (<c>qa</c>).</summary>
    public (string Question, string Context)[] QuestionContexts { get; }

    /// <summary>The pipeline outputs by setting name (<c>outputs</c>).</summary>
    public JsonElement Outputs { get; }

    /// <summary>
    /// The settings of <see cref="Outputs"/>: its entries whose value is an array (other entries are notes), or, when
    /// the outputs are one array (fill-mask), that array under the name "".
    /// </summary>
    public IEnumerable<(string Name, JsonElement Value)> Settings => Outputs.ValueKind switch
    {
        JsonValueKind.Object => Outputs.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).Select(p => (p.Name, p.Value)),
        JsonValueKind.Array => [("", Outputs)],
        _ => [],
    };

    /// <summary>A text note of <see cref="Outputs"/>, or "".</summary>
    public string Note => Outputs.ValueKind == JsonValueKind.Object && Outputs.TryGetProperty("note", out JsonElement note)
        && note.ValueKind == JsonValueKind.String ? note.GetString()! : "";

    /// <summary>Every <c>pipelines/*/</c> folder of the golden root with a <c>golden_pipeline.json</c>, in a stable order.</summary>
    public static IReadOnlyList<string> FindAll()
    {
        string pipelines = GoldenData.RequireFolder("pipelines");
        return Directory.GetDirectories(pipelines)
            .Where(d => File.Exists(System.IO.Path.Combine(d, "golden_pipeline.json")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
    }

    public static GoldenPipelineFolder Open(string path)
        => new(path, JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(path, "golden_pipeline.json"))));

    public void Dispose() => _document.Dispose();
}
