using Microsoft.ML.Deberta.Tasks.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>CoNLL-2003-style files: word and tag per line, blank lines between sentences, -DOCSTART- skipped.</summary>
[TestClass]
public sealed class ConllReaderTests
{
    [TestMethod]
    public void SentencesAreSplitAtBlankLines()
    {
        const string data = "-DOCSTART-\tO\n\nEU\tB-ORG\r\nrejects\tO\nGerman\tB-MISC\n\n\nPeter\tB-PER\nBlackburn\tI-PER\n";
        var sentences = ConllReader.Read(new StringReader(data));
        Assert.HasCount(2, sentences);
        CollectionAssert.AreEqual(new[] { "EU", "rejects", "German" }, sentences[0].Words.ToArray());
        CollectionAssert.AreEqual(new[] { "B-ORG", "O", "B-MISC" }, sentences[0].Tags.ToArray());
        Assert.AreEqual("EU rejects German", sentences[0].Text);
        Assert.AreEqual(3, sentences[0].Line);
        CollectionAssert.AreEqual(new[] { "B-PER", "I-PER" }, sentences[1].Tags.ToArray());
        Assert.AreEqual(8, sentences[1].Line);
    }

    [TestMethod]
    public void TheOriginalFourColumnLayoutTakesTheLastColumn()
    {
        // CoNLL-2003's own files: word, POS tag, chunk tag, NER tag, separated by spaces.
        var sentences = ConllReader.Read(new StringReader("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n"));
        CollectionAssert.AreEqual(new[] { "B-ORG", "O" }, sentences.Single().Tags.ToArray());
    }

    [TestMethod]
    public void ALineWithoutATagNamesItsLine()
    {
        var e = Assert.ThrowsExactly<FormatException>(() => ConllReader.Read(new StringReader("EU\tB-ORG\nrejects\n"), "train.conll"));
        StringAssert.Contains(e.Message, "train.conll, line 2: 'rejects' is not 'word<TAB>tag'");
        e = Assert.ThrowsExactly<FormatException>(() => ConllReader.Read(new StringReader("EU\t\n")));
        StringAssert.Contains(e.Message, "line 1");
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".conll");
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => ConllReader.ReadFile(missing)).Message, missing);
    }

    [TestMethod]
    public void FilesAreReadAsUtf8()
    {
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".conll");
        File.WriteAllText(path, "Zürich\tB-LOC\n");
        try
        {
            Assert.AreEqual("Zürich", ConllReader.ReadFile(path).Single().Words[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
