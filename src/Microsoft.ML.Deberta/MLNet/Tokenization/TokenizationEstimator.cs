using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta;

/// <summary>
/// The estimator of <c>mlContext.Transforms.Deberta.Tokenize</c>. It learns nothing: <see cref="Fit"/> checks the
/// columns and returns a <see cref="TokenizationTransformer"/> over the tokenizer given.
/// </summary>
public sealed class TokenizationEstimator : IEstimator<TokenizationTransformer>
{
    private readonly DebertaTokenizerBase _tokenizer;
    private readonly TokenizationSettings _settings;

    internal TokenizationEstimator(DebertaTokenizerBase tokenizer, TokenizationSettings settings)
    {
        _tokenizer = tokenizer;
        _settings = settings;
    }

    /// <summary>The output shape: the input plus three <c>Vector&lt;Int64&gt;</c> columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, _settings.TextColumn, "text");
        if (_settings.PairColumn is { } pair)
            ColumnRules.RequireText(inputSchema, pair, "second text");
        var type = TokenizationBinding.OutputType(_settings);
        var added = _settings.OutputColumns.Select(name => new DataViewSchema.DetachedColumn(name, type));
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(added));
    }

    /// <summary>Checks the columns and returns the transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public TokenizationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new TokenizationTransformer(_tokenizer, _settings);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }
}
