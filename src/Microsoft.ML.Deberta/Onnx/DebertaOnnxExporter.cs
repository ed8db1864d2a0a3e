using Google.Protobuf;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx.Proto;
using static Microsoft.ML.Deberta.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// Writes a DeBERTa model (v1 <c>deberta</c> or v2/v3 <c>deberta-v2</c>) as an ONNX file generated here, not by
/// torch: opset 17, standard ops only, dynamic batch and sequence axes, inputs named as transformers' exports name
/// them (<c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> when type_vocab_size &gt; 0) and the weights
/// as initializers. Relative positions and log buckets are computed in the graph from the sequence length, so one
/// file serves every length. ONNX Runtime (or any ONNX runtime) scores it without libtorch. Weights past protobuf's
/// 2 GB limit are written as ONNX external data: a side file <c>&lt;file name&gt;.data</c> next to the .onnx file, which
/// must stay beside it.
/// </summary>
public static class DebertaOnnxExporter
{
    /// <summary>The ONNX operator set the graphs use.</summary>
    public const int OpsetVersion = 17;

    // IR version 8 is the one ONNX 1.12+ writes for opset 17.
    private const int IrVersion = 8;

    /// <summary>
    /// Initializer bytes above which <see cref="Export(DebertaPreTrainedModel, string, OnnxWeightFormat)"/> writes external data: a protobuf
    /// message cannot pass 2 GB, and 256 MB of that is left to the graph itself (a few MB for the largest DeBERTa).
    /// </summary>
    internal const long InlineWeightLimitBytes = int.MaxValue - (256L << 20);

    /// <summary>The suffix of the external-data side file: <c>model.onnx</c>'s weights go to <c>model.onnx.data</c>.</summary>
    internal const string ExternalDataSuffix = ".data";

    /// <summary>Exports <paramref name="model"/> to an ONNX file at <paramref name="path"/> (overwritten).</summary>
    /// <param name="model">A model in eval state: <see cref="DebertaModel"/>, <see cref="DebertaForSequenceClassification"/>,
    /// <see cref="DebertaForTokenClassification"/>, <see cref="DebertaForQuestionAnswering"/> or <see cref="DebertaForMaskedLM"/>.</param>
    /// <param name="path">The .onnx file to write; its folder must exist. A model whose weights pass 2 GB also gets
    /// <c>path + ".data"</c> (overwritten), the external data the graph points to; keep the two files together.</param>
    /// <param name="weightFormat">Float32 (exact), <see cref="OnnxWeightFormat.Int8"/> encoder linears (smaller, faster, approximate), or
    /// <see cref="OnnxWeightFormat.Float16"/> weight matrices (half the file, float32 speed, approximate).</param>
    /// <exception cref="InvalidOperationException">The model is in training mode.</exception>
    /// <exception cref="NotSupportedException">The head or a config setting has no ONNX form here, or the model was converted to bfloat16; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightFormat"/> is not a defined <see cref="OnnxWeightFormat"/>.</exception>
    public static void Export(DebertaPreTrainedModel model, string path, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32) =>
        Export(model, path, InlineWeightLimitBytes, weightFormat);

    /// <summary>Exports with external data once the initializers pass <paramref name="inlineWeightLimit"/> bytes (tests force it on a tiny model).</summary>
    internal static void Export(DebertaPreTrainedModel model, string path, long inlineWeightLimit, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Write(Build(model, weightFormat), path, inlineWeightLimit);
    }

    /// <summary>Writes <paramref name="proto"/> at <paramref name="path"/>, its initializers moved to <c>path + ".data"</c> when they pass <paramref name="inlineWeightLimit"/> bytes.</summary>
    internal static void Write(ModelProto proto, string path, long inlineWeightLimit)
    {
        if (OnnxExternalData.InitializerBytes(proto.Graph) > inlineWeightLimit)
            OnnxExternalData.MoveToFile(proto.Graph, path + ExternalDataSuffix, Path.GetFileName(path) + ExternalDataSuffix);
        using var file = File.Create(path);
        proto.WriteTo(file);
    }

    /// <summary>Exports <paramref name="model"/> and returns the ONNX file's bytes.</summary>
    /// <inheritdoc cref="Export(DebertaPreTrainedModel, string, OnnxWeightFormat)"/>
    /// <exception cref="NotSupportedException">The weights pass 2 GB: they cannot be one protobuf message; export to a file instead (external data).</exception>
    public static byte[] ExportToBytes(DebertaPreTrainedModel model, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32) =>
        ExportToBytes(model, InlineWeightLimitBytes, weightFormat);

    /// <summary>Exports to bytes, refusing a model whose initializers pass <paramref name="inlineWeightLimit"/> bytes (tests lower it).</summary>
    internal static byte[] ExportToBytes(DebertaPreTrainedModel model, long inlineWeightLimit, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        var proto = Build(model, weightFormat);
        long bytes = OnnxExternalData.InitializerBytes(proto.Graph);
        if (bytes > inlineWeightLimit)
            throw new NotSupportedException(
                $"The model's weights take {bytes >> 20} MB, too many for one ONNX message (2 GB); use DebertaOnnxExporter.Export(model, path), " +
                "which writes them as external data beside the .onnx file.");
        return proto.ToByteArray();
    }

    /// <summary>The model's ONNX graph with every weight inline (<see cref="Write"/> moves them out when they pass a limit).</summary>
    internal static ModelProto Build(DebertaPreTrainedModel model, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32)
    {
        if (!Enum.IsDefined(weightFormat))
            throw new ArgumentOutOfRangeException(nameof(weightFormat), weightFormat, "Choose OnnxWeightFormat.Float32, OnnxWeightFormat.Int8 or OnnxWeightFormat.Float16.");
        if (model.training)
            throw new InvalidOperationException(
                "ONNX export needs a model in eval state (the graph has no dropout); call model.eval() before exporting.");
        // The graph's weights and products are float32 (or quantised from float32); a bfloat16 model's rounded weights
        // would be read as the wrong type.
        if (model.Precision != DebertaPrecision.Float32)
            throw new NotSupportedException(
                $"ONNX export needs the float32 model; this one was converted to {model.Precision} for inference (ConvertForInference). " +
                "Load it again without the conversion; for a smaller file export with OnnxWeightFormat.Float16 or Int8.");
        var config = model.Config;
        if (config.TalkingHead == true)
            throw new NotSupportedException("ONNX export does not support talking_head attention (config field 'talking_head' is true).");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = model.state_dict();

        var graph = new OnnxGraphBuilder { MatricesAsFloat16 = weightFormat == OnnxWeightFormat.Float16 };
        var layers = new OnnxLayers(graph, weights, weightFormat);
        bool usesTokenTypes = config.TypeVocabSize > 0;
        graph.Graph.Input.Add(Value("input_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Graph.Input.Add(Value("attention_mask", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        if (usesTokenTypes)
            graph.Graph.Input.Add(Value("token_type_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"));

        // A bare DebertaModel's state-dict keys have no "deberta." prefix; the heads' backbone keys do.
        string backbonePrefix = model is DebertaModel ? "" : DebertaPreTrainedModel.BackbonePrefix;
        var hidden = BackboneGraph.Build(layers, config, backbonePrefix, "input_ids", "attention_mask",
            usesTokenTypes ? "token_type_ids" : null);
        HeadGraph.Build(layers, model, hidden);

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Microsoft.ML.Deberta",
            ProducerVersion = typeof(DebertaOnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = $"{model.HuggingFaceClassName} exported by Microsoft.ML.Deberta's own ONNX exporter.",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "model_type", Value = config.ModelType });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "architecture", Value = model.HuggingFaceClassName });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "weight_format", Value = weightFormat.ToString().ToLowerInvariant() });
        return proto;
    }
}
