using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// Scores a DeBERTa ONNX graph — one written by <see cref="DebertaOnnxExporter"/> or by transformers'
/// <c>torch.onnx.export</c> — with ONNX Runtime, batch by batch, never touching TorchSharp or libtorch. Rows of
/// different lengths are padded to the batch's longest (attention mask 0 on the padding).
/// </summary>
public sealed class DebertaOnnxModel : IDisposable
{
    private const string InputIdsName = "input_ids", AttentionMaskName = "attention_mask", TokenTypeIdsName = "token_type_ids";

    private readonly InferenceSession session;
    private readonly string source;
    private readonly int padTokenId;

    private DebertaOnnxModel(InferenceSession session, string source, int padTokenId)
    {
        this.session = session;
        this.source = source;
        this.padTokenId = padTokenId;
        var inputs = session.InputNames;
        string[] known = [InputIdsName, AttentionMaskName, TokenTypeIdsName];
        var unknown = inputs.Where(n => !known.Contains(n)).ToList();
        if (!inputs.Contains(InputIdsName) || unknown.Count > 0)
        {
            session.Dispose();
            throw new InvalidDataException(
                $"The ONNX graph '{source}' has inputs [{string.Join(", ", inputs)}]; a DeBERTa graph takes input_ids and optionally " +
                $"attention_mask and token_type_ids, the names our tokenizer fills{(unknown.Count > 0 ? $" (unknown: {string.Join(", ", unknown)})" : "")}. " +
                "Export the model with DebertaOnnxExporter or rename the graph's inputs.");
        }
        UsesTokenTypeIds = inputs.Contains(TokenTypeIdsName);
        OutputNames = session.OutputNames.ToArray();
        // Scores are read as float32; a graph declaring another output type is not one of ours or transformers'.
        var notFloat = session.OutputMetadata.Where(o => o.Value.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float).Select(o => o.Key).ToList();
        if (notFloat.Count > 0)
        {
            session.Dispose();
            throw new InvalidDataException(
                $"The ONNX graph '{source}' has outputs that are not float32 tensors ({string.Join(", ", notFloat)}); a DeBERTa graph's " +
                "logits and hidden states are float32. Export the model again.");
        }
    }

    /// <summary>Whether the graph takes <c>token_type_ids</c> (configs with type_vocab_size &gt; 0).</summary>
    public bool UsesTokenTypeIds { get; }

    /// <summary>The graph's outputs, e.g. <c>logits</c> or <c>start_logits</c>, <c>end_logits</c>.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The declared dimensions of output <paramref name="name"/>; -1 for a dynamic one (e.g. <c>batch</c>).</summary>
    internal IReadOnlyList<int> OutputDimensions(string name) => session.OutputMetadata[name].Dimensions;

    /// <summary>Loads the ONNX file at <paramref name="path"/>.</summary>
    /// <param name="path">An .onnx file.</param>
    /// <param name="padTokenId">The id written into padding positions (the config's pad_token_id, 0 for DeBERTa).</param>
    /// <param name="options">ONNX Runtime session options (threads, optimisation level); defaults when null.</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a loadable ONNX model (truncated, corrupt) or its inputs are not DeBERTa's.</exception>
    public static DebertaOnnxModel Load(string path, int padTokenId = 0, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No ONNX file at '{path}'.", path);
        return Open(() => options is null ? new InferenceSession(path) : new InferenceSession(path, options), path, padTokenId);
    }

    /// <summary>Loads an ONNX model held in memory, e.g. <see cref="DebertaOnnxExporter.ExportToBytes(Modeling.DebertaPreTrainedModel, OnnxWeightFormat)"/>'s result.</summary>
    /// <inheritdoc cref="Load(string, int, SessionOptions?)"/>
    public static DebertaOnnxModel Load(byte[] model, int padTokenId = 0, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Open(() => options is null ? new InferenceSession(model) : new InferenceSession(model, options), "(in-memory model)", padTokenId);
    }

    /// <summary>Loads an in-memory model that came from <paramref name="source"/> (named in messages).</summary>
    internal static DebertaOnnxModel Load(byte[] model, string source, int padTokenId) =>
        Open(() => new InferenceSession(model), source, padTokenId);

    /// <summary>Loads the file at <paramref name="path"/> (its external data found beside it), named <paramref name="source"/> in messages.</summary>
    internal static DebertaOnnxModel LoadFile(string path, string source, int padTokenId) =>
        Open(() => new InferenceSession(path), source, padTokenId);

    private static DebertaOnnxModel Open(Func<InferenceSession> create, string source, int padTokenId)
    {
        InferenceSession session;
        try
        {
            session = create();
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException(
                $"ONNX Runtime cannot load '{source}' ({e.Message.Trim()}). The file may be truncated or not an ONNX model; export it again.", e);
        }
        return new DebertaOnnxModel(session, source, padTokenId);
    }

    /// <summary>Scores tokenizer encodings as one batch.</summary>
    public IReadOnlyDictionary<string, OnnxScoreTensor> Score(IReadOnlyList<DebertaEncoding> encodings)
    {
        ArgumentNullException.ThrowIfNull(encodings);
        return Score(encodings.Select(e => e.InputIds).ToList(), encodings.Select(e => e.AttentionMask).ToList(),
            encodings.Select(e => e.TokenTypeIds).ToList());
    }

    /// <summary>
    /// Scores rows of token ids as one batch, padded to the longest row. A null mask means every given token is attended;
    /// null token types mean all zero.
    /// </summary>
    /// <exception cref="ArgumentException">A row is empty, or a mask or token-type row's length differs from its ids' (the row is named).</exception>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot run the graph on these rows (a damaged file, or ids outside its vocabulary); the message has its reason.</exception>
    public IReadOnlyDictionary<string, OnnxScoreTensor> Score(
        IReadOnlyList<IReadOnlyList<int>> inputIds,
        IReadOnlyList<IReadOnlyList<int>>? attentionMask = null,
        IReadOnlyList<IReadOnlyList<int>>? tokenTypeIds = null)
    {
        var batch = OnnxInputBatch.Pad(inputIds, attentionMask, tokenTypeIds, padTokenId);
        var names = new List<string> { InputIdsName };
        var values = new List<OrtValue> { batch.Tensor(batch.InputIds) };
        try
        {
            if (session.InputNames.Contains(AttentionMaskName))
            {
                names.Add(AttentionMaskName);
                values.Add(batch.Tensor(batch.AttentionMask));
            }
            if (UsesTokenTypeIds)
            {
                names.Add(TokenTypeIdsName);
                values.Add(batch.Tensor(batch.TokenTypeIds));
            }
            using var runOptions = new RunOptions();
            using var results = Run(runOptions, names, values);
            var scores = new Dictionary<string, OnnxScoreTensor>(StringComparer.Ordinal);
            for (int i = 0; i < results.Count; i++)
            {
                var name = session.OutputNames[i];
                scores[name] = new OnnxScoreTensor(name, results[i].GetTensorDataAsSpan<float>().ToArray(), results[i].GetTensorTypeAndShape().Shape);
            }
            return scores;
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    // A graph ONNX Runtime loads can still fail on its first run (a damaged shape or attribute it only checks then);
    // that is the file's fault, reported as the documented InvalidDataException rather than OnnxRuntimeException.
    private IDisposableReadOnlyCollection<OrtValue> Run(RunOptions runOptions, List<string> names, List<OrtValue> values)
    {
        try
        {
            return session.Run(runOptions, names, values, session.OutputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException(
                $"ONNX Runtime could not run the graph '{source}' ({e.Message.Trim()}). The file may be damaged, or the token ids outside " +
                "its vocabulary (a tokenizer of another model); export the model again with its own tokenizer.", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"DebertaOnnxModel({source})";
}
