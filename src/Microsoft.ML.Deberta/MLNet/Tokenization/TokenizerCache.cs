using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Tokenizer folders a trainer loads, each loaded once (the start is resolved before rows are read and again when
/// training begins) and shared: tokenizers are thread-safe.
/// </summary>
internal sealed class TokenizerCache(DebertaTokenizerLoadOptions? options = null)
{
    private readonly Dictionary<string, DebertaTokenizerBase> _tokenizers = new(StringComparer.Ordinal);

    /// <summary>The tokenizer of <paramref name="folder"/> (see <see cref="TokenizerFiles.Load"/>).</summary>
    public DebertaTokenizerBase Load(string folder, string what, string? elsewhere = null)
    {
        var key = Path.GetFullPath(folder);
        lock (_tokenizers)
        {
            if (!_tokenizers.TryGetValue(key, out var tokenizer))
                _tokenizers[key] = tokenizer = TokenizerFiles.Load(folder, what, elsewhere, options);
            return tokenizer;
        }
    }
}
