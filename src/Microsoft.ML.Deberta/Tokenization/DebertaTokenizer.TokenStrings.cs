using System.Text;

namespace Microsoft.ML.Deberta.Tokenization;

public sealed partial class DebertaTokenizer
{
    /// <summary>The <c>tokenizers</c> ByteLevel decoder: characters back to bytes per string, then one UTF-8 decode.</summary>
    private protected override string ConvertTokensToStringCore(IReadOnlyList<string> tokens) => ByteLevelDecode(tokens);

    /// <summary>
    /// Every string's characters back to bytes (a string with a character outside the alphabet, e.g. an added token
    /// or text that was decoded before, contributes its UTF-8), then one UTF-8 decode with U+FFFD for invalid bytes.
    /// </summary>
    private static string ByteLevelDecode(IEnumerable<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            if (token.All(c => ByteLevelAlphabet.CharToByte(c) >= 0))
                foreach (char c in token)
                    bytes.Add((byte)ByteLevelAlphabet.CharToByte(c));
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
