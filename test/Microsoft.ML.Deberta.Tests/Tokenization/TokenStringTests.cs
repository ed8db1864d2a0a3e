namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// <c>ConvertTokensToString</c> as the <c>tokenizers</c> decoders join tokens (the token-classification pipeline builds
/// entity words with it): expected values are the words transformers' pipeline returned for the same tokens
/// (pipelines/v1_tokcls) and the Metaspace decoder's own documented example.
/// </summary>
[TestClass]
public sealed class TokenStringTests
{
    [TestMethod]
    public void V1MapsByteLevelCharactersBackToText()
    {
        var tokenizer = V1Tokenizers.Plain;
        // pipelines/v1_tokcls: token "Ġcapital" is the word " capital", "Ã¨" is "è"; words " in", "ĠSwitzerland", "." join as " in Switzerland.".
        Assert.AreEqual(" capital", tokenizer.ConvertTokensToString(["Ġcapital"]));
        Assert.AreEqual("è", tokenizer.ConvertTokensToString(["Ã¨"]));
        Assert.AreEqual(" Switzerland.", tokenizer.ConvertTokensToString(["ĠSwitzerland", "."]));
    }

    [TestMethod]
    public void V1PassesTextWithCharactersOutsideTheAlphabetThrough()
    {
        // A string holding a space (not in the byte-level alphabet) contributes its UTF-8 as it is: the pipeline's
        // groups of already-decoded words (" Genève" + " are" in pipelines/v1_tokcls).
        Assert.AreEqual(" Genève are", V1Tokenizers.Plain.ConvertTokensToString([" Genève", " are"]));
        Assert.AreEqual("[MASK]", V1Tokenizers.Plain.ConvertTokensToString(["[MASK]"]));
    }

    [TestMethod]
    public void V3DropsTheFirstStringsMetaspaceAndSpacesTheOthers()
    {
        var tokenizer = V2Tokenizers.V3;
        Assert.AreEqual("Hey friend!", tokenizer.ConvertTokensToString(["▁Hey", "▁friend!"])); // tokenizers' Metaspace decode test
        Assert.AreEqual("Hello", tokenizer.ConvertTokensToString(["▁", "H", "e", "l", "l", "o"]));
        Assert.AreEqual("lo world", tokenizer.ConvertTokensToString(["lo", "▁world"]));
        Assert.AreEqual("", tokenizer.ConvertTokensToString([]));
        Assert.ThrowsExactly<ArgumentNullException>(() => tokenizer.ConvertTokensToString(null!));
    }
}
