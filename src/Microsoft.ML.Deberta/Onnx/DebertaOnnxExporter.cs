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
/// file serves every length. ONNX Runtime (or any ONNX runtime) scores it without libtorch.
/// </summary>
public static class DebertaOnnxExporter
{
    /// <summary>The ONNX operator set the graphs use.</summary>
    public const int OpsetVersion = 17;

    // IR version 8 is the one ONNX 1.12+ writes for opset 17.
    private const int IrVersion = 8;

    // A protobuf message cannot pass 2 GB; larger models would need external data, which this exporter does not write.
    private const long MaxProtobufBytes = int.MaxValue;

    /// <summary>Exports <paramref name="model"/> to an ONNX file at <paramref name="path"/> (overwritten).</summary>
    /// <param name="model">A model in eval state: <see cref="DebertaModel"/>, <see cref="DebertaForSequenceClassification"/>,
    /// <see cref="DebertaForTokenClassification"/>, <see cref="DebertaForQuestionAnswering"/> or <see cref="DebertaForMaskedLM"/>.</param>
    /// <param name="path">The .onnx file to write; its folder must exist.</param>
    /// <param name="weightFormat">Float32 (exact), or <see cref="OnnxWeightFormat.Int8"/> encoder linears (smaller, faster, approximate).</param>
    /// <exception cref="InvalidOperationException">The model is in training mode.</exception>
    /// <exception cref="NotSupportedException">The head or a config setting has no ONNX form here; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightFormat"/> is not a defined <see cref="OnnxWeightFormat"/>.</exception>
    public static void Export(DebertaPreTrainedModel model, string path, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var proto = Build(model, weightFormat);
        using var file = File.Create(path);
        proto.WriteTo(file);
    }

    /// <summary>Exports <paramref name="model"/> and returns the ONNX file's bytes.</summary>
    /// <inheritdoc cref="Export(DebertaPreTrainedModel, string, OnnxWeightFormat)"/>
    public static byte[] ExportToBytes(DebertaPreTrainedModel model, OnnxWeightFormat weightFormat = OnnxWeightFormat.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(model, weightFormat).ToByteArray();
    }

    private static ModelProto Build(DebertaPreTrainedModel model, OnnxWeightFormat weightFormat)
    {
        if (!Enum.IsDefined(weightFormat))
            throw new ArgumentOutOfRangeException(nameof(weightFormat), weightFormat, "Choose OnnxWeightFormat.Float32 or OnnxWeightFormat.Int8.");
        if (model.training)
            throw new InvalidOperationException(
                "ONNX export needs a model in eval state (the graph has no dropout); call model.eval() before exporting.");
        var config = model.Config;
        if (config.TalkingHead == true)
            throw new NotSupportedException("ONNX export does not support talking_head attention (config field 'talking_head' is true).");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = model.state_dict();
        long bytes = weights.Values.Sum(t => t.numel() * sizeof(float));
        if (bytes >= MaxProtobufBytes)
            throw new NotSupportedException(
                $"The model's weights take {bytes / (1 << 20)} MB as fp32, past ONNX's 2 GB single-file limit; external-data export is not implemented.");

        var graph = new OnnxGraphBuilder();
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
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "weight_format", Value = weightFormat == OnnxWeightFormat.Int8 ? "int8" : "float32" });
        return proto;
    }
}
