namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The seam between the ML.NET layer and a text model: what a scoring transformer needs from a trained (or
/// loaded) model. The ML.NET layer owns columns, batching, annotations, thread-safety and the .zip format;
/// the model side owns tokenization, the forward pass and its own files.
/// </summary>
/// <remarks>
/// Implementations need not be thread-safe, except <see cref="PrepareBatch"/>: the ML.NET layer serialises every
/// other call per instance (TorchSharp dispose scopes are thread-local, and one forward pass at a time keeps memory
/// bounded), and runs <see cref="PrepareBatch"/> outside that lock so that one cursor or engine tokenizes while
/// another runs the model.
/// </remarks>
internal interface IDebertaTextScorer : IDebertaScorer
{
    /// <summary>
    /// Raw outputs per row: one logit per class for classification (a binary classifier may also return a single
    /// logit, the log-odds of the positive class), or one value for regression.
    /// </summary>
    int OutputSize { get; }

    /// <summary>
    /// Scores a batch in one forward pass (or one per window group for long texts) under no_grad.
    /// </summary>
    /// <param name="texts">The first text of every row; never null, possibly empty strings.</param>
    /// <param name="pairs">The second text of every row (same count), or null for single-text models.</param>
    /// <returns>One array of <see cref="OutputSize"/> raw outputs (logits, not probabilities) per row, in row order.</returns>
    float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs);

    /// <summary>
    /// The model-free part of scoring a batch (a DeBERTa scorer tokenizes here), run before the forward pass and
    /// outside the serialising lock, possibly on several threads at once: it must be thread-safe and must not touch
    /// the model. The result goes to <see cref="ScoreBatch(IReadOnlyList{string}, IReadOnlyList{string}?, object?)"/>.
    /// </summary>
    /// <returns>Whatever the forward pass needs (e.g. encoded examples); null when there is nothing to prepare.</returns>
    object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => null;

    /// <summary>Scores a batch that <see cref="PrepareBatch"/> prepared; serialised like the other calls.</summary>
    float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared) => ScoreBatch(texts, pairs);
}
