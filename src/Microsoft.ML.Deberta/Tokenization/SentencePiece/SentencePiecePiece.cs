namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// One piece of an encoding by <see cref="SentencePieceUnigramModel.Encode(string)"/>, as the <c>sentencepiece</c>
/// library reports it in <c>SentencePieceText.pieces</c>.
/// </summary>
/// <param name="Id">The piece id (for a run of unknown characters, the unknown id).</param>
/// <param name="Piece">
/// The piece text: the vocabulary entry, or for a run of unknown characters the normalised text of the whole run
/// (sentencepiece fuses consecutive unknown pieces into one), e.g. <c>"▁world"</c> or <c>"日本語"</c>.
/// </param>
/// <param name="Start">Start of the piece's span in the original text, as a UTF-16 index (inclusive).</param>
/// <param name="End">
/// End of the span in the original text, as a UTF-16 index (exclusive). Equal to <paramref name="Start"/> for a
/// piece that covers no original character, such as the dummy-prefix piece <c>"▁"</c> at the start of a text.
/// </param>
internal readonly record struct SentencePiecePiece(int Id, string Piece, int Start, int End);
