namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Rebuilds an <see cref="IDebertaTextScorer"/> from the folder its <see cref="IDebertaScorer.SavePayload"/> wrote.</summary>
internal interface IDebertaTextScorerLoader
{
    /// <summary>The <see cref="IDebertaScorer.PayloadKind"/> this loader reads.</summary>
    string PayloadKind { get; }

    /// <summary>
    /// Loads the payload. The folder is temporary and is deleted when this returns, so read every file now.
    /// Throw <see cref="InvalidDataException"/> naming the file when the payload is incomplete or corrupt.
    /// </summary>
    IDebertaTextScorer Load(string folder);
}
