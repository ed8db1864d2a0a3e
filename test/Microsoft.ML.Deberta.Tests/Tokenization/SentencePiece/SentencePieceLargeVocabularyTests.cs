using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tests.Tokenization.SentencePiece;

/// <summary>
/// A vocabulary as large as DeBERTa-v3's (128,000 pieces): the golden model with 127,000 synthetic pieces appended.
/// Loading must stay fast, and the segmentation must equal a plain dynamic programme over a dictionary of pieces
/// (same scores, same order of candidates, same float/double arithmetic as sentencepiece) — a check of the piece
/// trie at that size, independent of how the trie is built.
/// </summary>
[TestClass]
public sealed class SentencePieceLargeVocabularyTests
{
    private const int ExtraPieces = 127_000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void LoadsA128kVocabularyQuicklyAndSegmentsLikeTheReferenceDynamicProgramme()
    {
        byte[] golden = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "tokenizer", "deberta-v3", "spm.model"));
        var rng = new Random(42);
        var extra = new Dictionary<string, float>(StringComparer.Ordinal);
        var baseModel = SentencePieceUnigramModel.Load(new MemoryStream(golden));
        while (extra.Count < ExtraPieces)
        {
            int length = rng.Next(2, 12);
            var piece = new StringBuilder(rng.Next(3) == 0 ? "" : "▁");
            for (int i = 0; i < length; i++)
                piece.Append((char)('a' + Math.Min(rng.Next(26), rng.Next(26))));   // skewed: shared prefixes
            string text = piece.ToString();
            if (baseModel.PieceToId(text) < 0)
                extra.TryAdd(text, -3f - 9f * (float)rng.NextDouble());
        }
        var bytes = new List<byte>(golden);
        foreach (var (piece, score) in extra)
            bytes.AddRange(PieceField(piece, score));

        var watch = Stopwatch.StartNew();
        var model = SentencePieceUnigramModel.Load(new MemoryStream([.. bytes]));
        watch.Stop();
        TestContext.WriteLine($"Loaded {model.PieceCount:N0} pieces in {watch.ElapsedMilliseconds} ms.");
        Assert.AreEqual(1000 + ExtraPieces, model.PieceCount);
        Assert.IsLessThan(10.0, watch.Elapsed.TotalSeconds, "loading a 128k vocabulary must not be quadratic");

        // The dictionary the reference programme uses: every normal piece with its score.
        var scores = new Dictionary<string, (int Id, float Score)>(StringComparer.Ordinal);
        float minScore = float.MaxValue;
        for (int id = 0; id < model.PieceCount; id++)
        {
            if (model.GetPieceType(id) != SentencePieceType.Normal)
                continue;
            scores[model.IdToPiece(id)] = (id, model.GetScore(id));
            minScore = Math.Min(minScore, model.GetScore(id));
        }
        var words = extra.Keys.Select(k => k.TrimStart('▁')).Concat(["the", "license", "software", "xq"]).ToArray();
        int compared = 0;
        for (int t = 0; t < 300; t++)
        {
            // Lower-case words separated by single spaces: the normalised text is "▁" + words joined by "▁".
            string text = string.Join(' ', Enumerable.Range(0, rng.Next(1, 30)).Select(_ => words[rng.Next(words.Length)]));
            var expected = ReferenceSegmentation("▁" + text.Replace(' ', '▁'), scores, minScore - 10f, model.UnkId);
            var actual = model.Encode(text).Select(p => (p.Id, p.Piece)).ToList();
            CollectionAssert.AreEqual(expected, actual, text);
            compared++;
        }
        TestContext.WriteLine($"{compared} texts segmented as the reference programme does.");
    }

    /// <summary>
    /// The unigram best path by brute force: for every start (in order) and every piece length (increasing) look the
    /// substring up; a character no piece covers costs the unknown score. Candidates replace a best path only when
    /// strictly better, as in sentencepiece; all characters here are in the Basic Multilingual Plane.
    /// </summary>
    private static List<(int Id, string Piece)> ReferenceSegmentation(
        string normalized, Dictionary<string, (int Id, float Score)> pieces, float unkScore, int unkId)
    {
        int n = normalized.Length;
        var score = new float[n + 1];
        var from = new int[n + 1];
        var ids = new int[n + 1];
        Array.Fill(from, -1);
        for (int start = 0; start < n; start++)
        {
            bool single = false;
            for (int end = start + 1; end <= n && end - start <= 16; end++)
            {
                if (!pieces.TryGetValue(normalized[start..end], out var piece))
                    continue;
                double candidate = (double)piece.Score + score[start];
                if (from[end] == -1 || candidate > score[end])
                    (score[end], from[end], ids[end]) = ((float)candidate, start, piece.Id);
                single |= end == start + 1;
            }
            if (!single)
            {
                float candidate = unkScore + score[start];
                if (from[start + 1] == -1 || candidate > score[start + 1])
                    (score[start + 1], from[start + 1], ids[start + 1]) = (candidate, start, unkId);
            }
        }
        var result = new List<(int, string)>();
        for (int end = n; end > 0; end = from[end])
            result.Add((ids[end], normalized[from[end]..end]));
        result.Reverse();
        // sentencepiece fuses neighbouring unknown pieces.
        for (int i = result.Count - 1; i > 0; i--)
        {
            if (result[i].Item1 == unkId && result[i - 1].Item1 == unkId)
            {
                result[i - 1] = (unkId, result[i - 1].Item2 + result[i].Item2);
                result.RemoveAt(i);
            }
        }
        return result;
    }

    // pieces { piece: text, score: score, type: NORMAL } as a field of ModelProto.
    private static byte[] PieceField(string piece, float score)
    {
        var text = Encoding.UTF8.GetBytes(piece);
        var scoreBytes = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(scoreBytes, score);
        byte[] message = [.. SentencePieceParityTests.ProtoField(1, text), 0x15, .. scoreBytes, 0x18, 0x01];
        return SentencePieceParityTests.ProtoField(1, message);
    }
}
