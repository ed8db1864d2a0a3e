using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>One way to run inference on a full-length batch: a route of this library, or ONNX Runtime on the anchor graph.</summary>
internal interface IContender : IDisposable
{
    /// <summary>The route's name in the printed lines (fp32, fp32-onednn, bf16, ort-fp32, ...).</summary>
    string Route { get; }

    /// <summary>Takes the (batch × seq) token ids every contender gets for the next measurements; the mask is all ones.</summary>
    void SetInputs(long[] ids, int batch, int seq);

    /// <summary>One forward pass over the inputs, output discarded.</summary>
    void RunOnce();
}

/// <summary>
/// <see cref="DebertaTaskModel{TOutput}.Predict"/>, with oneDNN's float32 products on or off (a process-wide switch, set
/// before every run); the model may have been converted for bfloat16 inference (route bf16).
/// </summary>
internal sealed class TorchSharpContender(string route, DebertaForSequenceClassification model, bool oneDnn) : IContender
{
    private Tensor? ids, mask;

    public string Route => route;

    public void SetInputs(long[] ids, int batch, int seq)
    {
        DisposeInputs();
        this.ids = tensor(ids, [batch, seq]);
        mask = ones(batch, seq, dtype: ScalarType.Int64);
    }

    public void RunOnce()
    {
        DebertaComputeOptions.UseOneDnnForFloat32Products = oneDnn;
        using var output = model.Predict(ids!, mask);
    }

    public void Dispose() => DisposeInputs();

    private void DisposeInputs()
    {
        ids?.Dispose();
        mask?.Dispose();
    }
}

/// <summary>
/// ONNX Runtime as the anchor harness sets it up — all graph optimisations, intra-op threads = cores, inter-op 1,
/// sequential — on a graph: the anchor's (torch's export, <c>ort-fp32</c>) or this library's export of the same shape.
/// </summary>
internal sealed class OnnxRuntimeContender(string route, Func<SessionOptions, InferenceSession> open) : IContender
{
    private static readonly string[] InputNames = ["input_ids", "attention_mask"];
    private static readonly string[] OutputNames = ["logits"];
    private readonly SessionOptions sessionOptions = new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = Environment.ProcessorCount,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    };
    private readonly RunOptions runOptions = new();
    private InferenceSession? session;
    private OrtValue[] inputs = [];

    public string Route => route;

    /// <summary>The anchor graph <c>model.onnx</c> of <paramref name="graphFolder"/> (external weights beside it).</summary>
    public static OnnxRuntimeContender Anchor(string graphFolder) =>
        new("ort-fp32", options => new InferenceSession(Path.Combine(graphFolder, "model.onnx"), options));

    /// <summary><paramref name="model"/> exported by <see cref="DebertaOnnxExporter"/> in <paramref name="format"/>, in memory.</summary>
    public static OnnxRuntimeContender Exported(string route, DebertaPreTrainedModel model, OnnxWeightFormat format)
    {
        var graph = DebertaOnnxExporter.ExportToBytes(model, format);
        Console.WriteLine($"# {route}: exported graph {graph.LongLength / 1e6:F1} MB");
        return new(route, options => new InferenceSession(graph, options));
    }

    public void SetInputs(long[] ids, int batch, int seq)
    {
        session ??= open(sessionOptions);
        DisposeInputs();
        var mask = new long[ids.Length];
        Array.Fill(mask, 1L);
        long[] shape = [batch, seq];
        inputs = [OrtValue.CreateTensorValueFromMemory(ids, shape), OrtValue.CreateTensorValueFromMemory(mask, shape)];
    }

    public void RunOnce()
    {
        using var outputs = session!.Run(runOptions, InputNames, inputs, OutputNames);
    }

    public void Dispose()
    {
        DisposeInputs();
        session?.Dispose();
        runOptions.Dispose();
        sessionOptions.Dispose();
    }

    private void DisposeInputs()
    {
        foreach (var value in inputs) value.Dispose();
        inputs = [];
    }
}
