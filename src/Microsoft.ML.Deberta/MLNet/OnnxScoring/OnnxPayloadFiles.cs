using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The files every ONNX payload holds besides its own settings: the graph and the tokenizer.</summary>
internal static class OnnxPayloadFiles
{
    /// <summary>The graph's file name inside a payload.</summary>
    public const string GraphFileName = "model.onnx";

    /// <summary>Writes the graph (with its external-data file, if it has one) and the tokenizer files into the payload folder.</summary>
    public static void Write(string folder, OnnxGraph graph, DebertaTokenizerBase tokenizer)
    {
        graph.Write(folder);
        tokenizer.SavePretrained(folder);
    }

    /// <summary>The graph and the tokenizer (loaded with <paramref name="options"/>) of a saved payload.</summary>
    /// <exception cref="InvalidDataException">A file is missing: the .zip is incomplete or was altered (the message names <paramref name="where"/>).</exception>
    public static (OnnxGraph Graph, DebertaTokenizerBase Tokenizer) Read(string folder, string where, DebertaTokenizerLoadOptions? options = null)
    {
        DebertaTokenizerBase tokenizer;
        try
        {
            tokenizer = TokenizerFiles.Load(folder, where, options: options);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"{where}: the saved model is incomplete: {e.Message}", e);
        }
        return (ReadGraph(folder, where), tokenizer);
    }

    /// <summary>The graph of a saved payload (its external data copied out of the payload folder, which the loader deletes).</summary>
    /// <exception cref="InvalidDataException">The graph or its external-data file is missing.</exception>
    public static OnnxGraph ReadGraph(string folder, string where)
    {
        var graph = Path.Combine(folder, GraphFileName);
        return File.Exists(graph) ? OnnxGraph.Read(graph, where)
            : throw new InvalidDataException($"{where}: '{GraphFileName}' is missing; the file is incomplete or was altered.");
    }
}
