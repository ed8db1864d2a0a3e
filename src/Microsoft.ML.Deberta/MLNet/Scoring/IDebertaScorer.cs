namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What every fitted model behind the ML.NET layer has, whatever its outputs: a payload it can save and the kind
/// that names the payload's format. <see cref="IDebertaTextScorer"/> (a fixed number of floats per row) and
/// <see cref="IDebertaRowScorer{TRow}"/> (one structured value per row) extend it.
/// </summary>
internal interface IDebertaScorer : IDisposable
{
    /// <summary>
    /// Names the payload format that <see cref="SavePayload"/> writes. It is recorded in the .zip and picks the loader
    /// that reads the payload back (e.g. <c>"deberta-sequence-classifier"</c>).
    /// </summary>
    string PayloadKind { get; }

    /// <summary>
    /// Writes everything needed to rebuild this scorer into an existing, empty folder: e.g. <c>config.json</c>,
    /// <c>model.safetensors</c>, tokenizer files and labels. Called during save; must not change the scorer.
    /// </summary>
    void SavePayload(string folder);
}
