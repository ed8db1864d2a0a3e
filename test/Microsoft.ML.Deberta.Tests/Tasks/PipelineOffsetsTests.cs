using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// The decoders' windows carry the fast tokenizer's offsets (what the pipelines report), and v2/v3 windows encoded
/// without <see cref="DebertaEncodeOptions.FastTokenizerOffsets"/> are refused rather than read in the wrong convention.
/// </summary>
[TestClass]
public sealed class PipelineOffsetsTests
{
    [TestMethod]
    public void TheDummyPrefixGetsTheNextCharacterOrTheSpaceBeforeIt()
    {
        var tagger = new TokenClassificationDecoder(V2Tokenizers.V3, ["O", "B-X"]);
        var hello = V2Tokenizers.V3.Encode("Hello world");
        Assert.AreEqual("▁", hello.Tokens[1]);
        Assert.AreEqual(new TokenOffset(0, 0), hello.Offsets[1], "sentencepiece: an empty span");
        Assert.AreEqual(new TokenOffset(0, 1), tagger.Encode("Hello world")[0].Offsets[1], "fast: the next character");
        var indented = tagger.Encode("  Hello")[0];
        Assert.AreEqual("▁", indented.Tokens[1]);
        Assert.AreEqual(new TokenOffset(1, 2), indented.Offsets[1], "fast: the last space before the word");
    }

    [TestMethod]
    public void WindowsWithSentencepieceOffsetsAreRefused()
    {
        var tagger = new TokenClassificationDecoder(V2Tokenizers.V3, ["O", "B-X"]);
        var plain = V2Tokenizers.V3.Encode("Hello world");
        var e = Assert.ThrowsExactly<ArgumentException>(() => tagger.Decode("Hello world", [plain], [new float[plain.Length * 2]]));
        StringAssert.Contains(e.Message, "Window 0 was encoded without DebertaEncodeOptions.FastTokenizerOffsets");
        var reader = new QuestionAnsweringDecoder(V2Tokenizers.V3);
        var pair = V2Tokenizers.V3.Encode("Who?", "Hello");
        e = Assert.ThrowsExactly<ArgumentException>(() => reader.Decode("Who?", "Hello", [pair], [new float[pair.Length]], [new float[pair.Length]]));
        StringAssert.Contains(e.Message, "make the windows with the decoder's Encode, or encode with FastTokenizerOffsets = true");
        var v1 = V1Tokenizers.Plain.Encode("Who?", "Hello"); // v1 offsets are the same in both conventions
        Assert.IsNotEmpty(new QuestionAnsweringDecoder(V1Tokenizers.Plain).Decode("Who?", "Hello", [v1], [new float[v1.Length]], [new float[v1.Length]]));
    }
}
