using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Tokenizes one text column (or a pair) with a DeBERTa tokenizer and adds the model inputs as <c>Vector&lt;Int64&gt;</c>
/// columns: input ids, attention mask and token type ids (fixed-size when padded to the maximum length). Lazy, immutable,
/// thread-safe; works in a <c>PredictionEngine</c>. Saved (by <c>DebertaModelIO.Save</c> or <c>mlContext.Model.Save</c>)
/// with its tokenizer files; loaded by <c>DebertaModelIO.Load</c>.
/// </summary>
public sealed class TokenizationTransformer : ITransformer, IDebertaPipelineStep
{
    private const string TokenizerFolderName = "tokenizer";
    private readonly DebertaEncodeOptions _encodeOptions;

    internal TokenizationTransformer(DebertaTokenizerBase tokenizer, TokenizationSettings settings)
    {
        Tokenizer = tokenizer;
        Settings = settings;
        _encodeOptions = settings.EncodeOptions();
    }

    /// <summary>The tokenizer.</summary>
    public DebertaTokenizerBase Tokenizer { get; }

    /// <summary>The maximum number of tokens per row, special tokens included.</summary>
    public int MaxLength => Settings.MaxLength;

    /// <summary>Whether rows are padded to <see cref="MaxLength"/> (fixed-size output vectors).</summary>
    public bool PadToMaxLength => Settings.PadToMaxLength;

    internal TokenizationSettings Settings { get; }

    bool ITransformer.IsRowToRowMapper => true;

    string IDebertaPipelineStep.StepKind => PipelineStepKinds.Tokenization;

    string IDebertaPipelineStep.PayloadKind => "deberta-tokenizer";

    /// <summary>The schema <see cref="Transform"/> produces: the input columns followed by the three id columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new TokenizationBinding(this, inputSchema).OutputSchema;
    }

    /// <summary>Adds the id columns, lazily: a row is tokenized when a cursor reads one of them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new TokenizedDataView(new TokenizationBinding(this, input.Schema), input);
    }

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new TokenizationRowMapper(new TokenizationBinding(this, inputSchema));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => DebertaSaveScope.SaveStep(this, ctx);

    /// <summary>Encodes one row with this step's settings.</summary>
    internal DebertaEncoding Encode(string text, string? pair) => Tokenizer.Encode(text, pair, _encodeOptions);

    /// <summary>The step folder: <c>tokenization.json</c> and the tokenizer's own files in <c>tokenizer/</c>.</summary>
    void IDebertaPipelineStep.WriteStep(string folder)
    {
        Tokenizer.SavePretrained(Path.Combine(folder, TokenizerFolderName));
        Settings.Write(Path.Combine(folder, TokenizationSettings.FileName));
    }

    /// <summary>Rebuilds a step from the folder <see cref="IDebertaPipelineStep.WriteStep"/> wrote.</summary>
    internal static TokenizationTransformer ReadStep(string folder, string where)
    {
        var settings = TokenizationSettings.Read(Path.Combine(folder, TokenizationSettings.FileName), where);
        var tokenizerFolder = Path.Combine(folder, TokenizerFolderName);
        if (!Directory.Exists(tokenizerFolder))
            throw new InvalidDataException($"{where}: the tokenizer folder '{TokenizerFolderName}/' is missing.");
        return new TokenizationTransformer(TokenizerFiles.Load(tokenizerFolder, $"{where}: the tokenizer folder"), settings);
    }
}
