using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The files every ONNX payload holds besides its own settings: the graph and the tokenizer.</summary>
internal static class OnnxPayloadFiles
{
    /// <summary>The graph's file name inside a payload.</summary>
    public const string GraphFileName = "model.onnx";

    /// <summary>Writes the graph and the tokenizer files into the payload folder.</summary>
    public static void Write(string folder, byte[] graph, DebertaTokenizerBase tokenizer)
    {
        File.WriteAllBytes(Path.Combine(folder, GraphFileName), graph);
        tokenizer.SavePretrained(folder);
    }

    /// <summary>The graph's bytes and the tokenizer (loaded with <paramref name="options"/>) of a saved payload.</summary>
    /// <exception cref="InvalidDataException">A file is missing: the .zip is incomplete or was altered (the message names <paramref name="where"/>).</exception>
    public static (byte[] Graph, DebertaTokenizerBase Tokenizer) Read(string folder, string where, DebertaTokenizerLoadOptions? options = null)
    {
        var graph = ReadGraph(folder, where);
        try
        {
            return (graph, TokenizerFiles.Load(folder, where, options: options));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"{where}: the saved model is incomplete: {e.Message}", e);
        }
    }

    /// <summary>The graph's bytes of a saved payload.</summary>
    /// <exception cref="InvalidDataException">The graph is missing.</exception>
    public static byte[] ReadGraph(string folder, string where)
    {
        var graph = Path.Combine(folder, GraphFileName);
        return File.Exists(graph) ? File.ReadAllBytes(graph)
            : throw new InvalidDataException($"{where}: '{GraphFileName}' is missing; the file is incomplete or was altered.");
    }
}
