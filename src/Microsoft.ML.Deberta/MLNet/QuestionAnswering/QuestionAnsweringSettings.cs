using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// How a QA model windows and decodes (the pipeline's settings), saved as <c>question_answering.json</c> beside the
/// Hugging Face folder of a saved model so that a loaded model answers exactly as the fitted one.
/// </summary>
internal sealed record QuestionAnsweringSettings
{
    public const string FileName = "question_answering.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;

    [JsonPropertyName("max_seq_length")] public int MaxSeqLength { get; init; } = 384;

    [JsonPropertyName("doc_stride")] public int DocStride { get; init; } = 128;

    [JsonPropertyName("max_answer_length")] public int MaxAnswerLength { get; init; } = 15;

    [JsonPropertyName("top_k")] public int TopK { get; init; } = 1;

    [JsonPropertyName("handle_impossible_answer")] public bool HandleImpossibleAnswer { get; init; }

    [JsonPropertyName("align_to_words")] public bool AlignToWords { get; init; } = true;

    /// <summary>Windows per forward pass.</summary>
    [JsonPropertyName("inference_batch_size")] public int InferenceBatchSize { get; init; } = 16;

    /// <summary>
    /// The precision the saved model scores in (<see cref="DebertaPrecision"/>); written only when it is not float32, so
    /// a float32 payload reads as before the field existed.
    /// </summary>
    [JsonPropertyName("inference_precision"), JsonConverter(typeof(JsonStringEnumConverter<DebertaPrecision>)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DebertaPrecision? InferencePrecision { get; init; }

    /// <summary>The decoder's options.</summary>
    public QuestionAnsweringOptions Decoding => new()
    {
        MaxSeqLength = MaxSeqLength, DocStride = DocStride, MaxAnswerLength = MaxAnswerLength, TopK = TopK,
        HandleImpossibleAnswer = HandleImpossibleAnswer, AlignToWords = AlignToWords,
    };

    /// <summary>The settings of checked options.</summary>
    public static QuestionAnsweringSettings From(DebertaQuestionAnsweringOptions o) => new()
    {
        MaxSeqLength = o.MaxSeqLength, DocStride = o.DocStride, MaxAnswerLength = o.MaxAnswerLength, TopK = o.TopK,
        HandleImpossibleAnswer = o.HandleImpossibleAnswer, AlignToWords = o.AlignToWords, InferenceBatchSize = o.InferenceBatchSize,
    };

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Problem() =>
        MaxSeqLength < 4 ? $"MaxSeqLength is {MaxSeqLength}; a window needs at least 4 tokens ([CLS] question [SEP] context [SEP])."
        : DocStride < 0 || DocStride >= MaxSeqLength ? $"DocStride is {DocStride}; it must lie in [0, MaxSeqLength {MaxSeqLength})."
        : MaxAnswerLength < 1 ? $"MaxAnswerLength is {MaxAnswerLength}; it must be at least 1."
        : TopK < 1 ? $"TopK is {TopK}; it must be at least 1."
        : InferenceBatchSize < 1 ? $"InferenceBatchSize is {InferenceBatchSize}; it must be at least 1."
        : !PrecisionRules.IsValidSaved(InferencePrecision) ? $"inference_precision is {InferencePrecision}; it must be Float32 or BFloat16."
        : null;

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a saved file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or values out of range.</exception>
    public static QuestionAnsweringSettings Read(string path)
    {
        var settings = StepJson.Read<QuestionAnsweringSettings>(path, "The saved question-answering model", Json, s => s.FormatVersion, CurrentFormatVersion);
        if (settings.Problem() is string problem)
            throw new InvalidDataException($"'{FileName}' holds values out of range: {problem}");
        return settings;
    }
}
