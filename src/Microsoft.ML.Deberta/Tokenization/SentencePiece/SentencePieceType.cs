namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// The type of a piece in a SentencePiece model (<c>ModelProto.SentencePiece.Type</c>); the numeric values are the
/// ones stored in <c>spm.model</c>.
/// </summary>
internal enum SentencePieceType
{
    /// <summary>An ordinary piece that the segmentation can choose.</summary>
    Normal = 1,

    /// <summary>The unknown piece (exactly one per model; DeBERTa-v3 calls it <c>[UNK]</c>).</summary>
    Unknown = 2,

    /// <summary>A control symbol such as <c>[CLS]</c> or <c>[PAD]</c>: never produced by encoding, dropped by decoding.</summary>
    Control = 3,

    /// <summary>A user-defined symbol: matched verbatim in the text, before normalisation, and always preferred.</summary>
    UserDefined = 4,

    /// <summary>A piece that is in the vocabulary but never chosen by the segmentation.</summary>
    Unused = 5,

    /// <summary>A byte piece <c>&lt;0xXX&gt;</c>, used for unknown characters when the model has byte fallback.</summary>
    Byte = 6,
}
