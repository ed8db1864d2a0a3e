using Microsoft.ML.Deberta;

namespace Microsoft.ML;

/// <summary>
/// Entry points to the DeBERTa components: <c>mlContext.Transforms.Deberta</c> and <c>mlContext.Deberta()</c>.
/// They live in the <c>Microsoft.ML</c> namespace so that <c>using Microsoft.ML;</c> is enough.
/// </summary>
public static class DebertaCatalogExtensions
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>The DeBERTa components of this context (tokenization, text classification, regression, …).</summary>
        public DebertaCatalog Deberta => DebertaCatalog.For(catalog);
    }

    extension(MLContext mlContext)
    {
        /// <summary>The DeBERTa components of this context; the same instance as <c>mlContext.Transforms.Deberta</c>.</summary>
        public DebertaCatalog Deberta() => DebertaCatalog.For(mlContext);
    }
}
