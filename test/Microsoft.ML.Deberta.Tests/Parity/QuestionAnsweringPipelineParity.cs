using System.Text.Json;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// Replays the question-answering outputs of one pipeline folder: every setting of <c>outputs</c> whose items hold
/// <c>answers</c> is re-run from the folder's own tokenizer and model with that setting's arguments
/// (<see cref="QuestionAnsweringReferenceSettings"/>) on the <c>qa</c> pair whose windows the item stores, and every
/// stored field is compared: windows, input ids, offsets, start/end logits, and each answer's text, character span,
/// score, window and tokens.
/// </summary>
internal static class QuestionAnsweringPipelineParity
{
    public const string Task = "question-answering";

    private const double LogitTolerance = 1e-5;

    public static bool Holds(JsonElement setting)
        => setting.GetArrayLength() > 0 && setting.EnumerateArray().All(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("answers", out _));

    public static PipelineComparison Compare(GoldenPipelineFolder folder)
    {
        var compare = new PipelineComparison();
        var tokenizer = DebertaTokenizerBase.FromFolder(folder.Path);
        using var model = DebertaCheckpoint.Load<DebertaForQuestionAnswering>(folder.Path);
        var decoder = new QuestionAnsweringDecoder(tokenizer);
        bool earlyExit = GoldenData.WrittenWithTokenizersEarlyExit(GoldenData.Root);
        foreach ((string name, JsonElement setting) in folder.Settings.Where(s => Holds(s.Value)))
        {
            int index = 0;
            foreach (JsonElement item in setting.EnumerateArray())
            {
                string where = $"{folder.Name} outputs.{name}[{index++}]";
                var options = QuestionAnsweringReferenceSettings.Read(name, folder.Note, item, tokenizer.SepTokenId);
                var stored = item.GetProperty("input_ids").EnumerateArray().Select(w => w.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
                var pairs = item.TryGetProperty("question", out JsonElement q)
                    ? [(q.GetString()!, item.GetProperty("context").GetString()!)]
                    : folder.QuestionContexts;
                var match = pairs.Select(p => (Pair: p, Windows: decoder.Encode(p.Item1, p.Item2, options, earlyExit)))
                    .FirstOrDefault(c => SameIds(stored, c.Windows, tokenizer.PadTokenId));
                if (match.Windows is null)
                {
                    compare.Fail($"{where}: no question/context pair encodes into its stored input_ids ({stored.Length} window(s) of {stored[0].Length}).");
                    continue;
                }
                CompareItem(where, item, match.Pair.Item1, match.Pair.Item2, match.Windows, model, decoder, options, compare);
            }
        }
        return compare;
    }

    private static bool SameIds(int[][] stored, IReadOnlyList<DebertaEncoding> windows, int padId)
        => stored.Length == windows.Count && stored.Zip(windows).All(p => p.First.Length >= p.Second.Length
            && p.First.Take(p.Second.Length).SequenceEqual(p.Second.InputIds) && p.First.Skip(p.Second.Length).All(id => id == padId));

    private static void CompareItem(
        string where, JsonElement item, string question, string context, IReadOnlyList<DebertaEncoding> windows,
        DebertaForQuestionAnswering model, QuestionAnsweringDecoder decoder, QuestionAnsweringOptions options,
        PipelineComparison compare)
    {
        compare.Exact($"{where}.windows", item.GetProperty("windows").GetInt32(), windows.Count);
        (float[][] start, float[][] end) = PipelineModelRunner.SpanLogits(model, windows);
        for (int w = 0; w < windows.Count; w++)
        {
            var offsets = CodePointOffsets(windows[w], question, context);
            var storedOffsets = item.GetProperty("offset_mapping")[w].EnumerateArray().Select(p => new TokenOffset(p[0].GetInt32(), p[1].GetInt32())).ToArray();
            for (int i = 0; i < windows[w].Length; i++)
                compare.Exact($"{where}.offset_mapping[{w}][{i}]", storedOffsets[i], offsets[i]);
            Logits($"{where}.start_logits[{w}]", item.GetProperty("start_logits")[w], start[w], compare);
            Logits($"{where}.end_logits[{w}]", item.GetProperty("end_logits")[w], end[w], compare);
        }
        var actual = decoder.Decode(question, context, windows, start, end, options);
        var expected = item.GetProperty("answers").EnumerateArray().ToArray();
        compare.Exact($"{where} answer count", expected.Length, actual.Count);
        for (int a = 0; a < Math.Min(expected.Length, actual.Count); a++)
        {
            string at = $"{where}.answers[{a}]";
            JsonElement e = expected[a];
            AnswerSpan ours = actual[a];
            compare.Outputs++;
            compare.Exact($"{at}.answer", e.GetProperty("answer").GetString(), ours.Answer);
            compare.Exact($"{at}.start", e.GetProperty("start").GetInt32(), CodePointIndex.FromUtf16(context, ours.Start));
            compare.Exact($"{at}.end", e.GetProperty("end").GetInt32(), CodePointIndex.FromUtf16(context, ours.End));
            compare.Score($"{at}.score", e.GetProperty("score").GetDouble(), ours.Score);
            if (e.TryGetProperty("window", out JsonElement window))
                compare.Exact($"{at}.window", (int?)window.GetInt32(), ours.Window);
            if (e.TryGetProperty("start_token", out JsonElement startToken))
                compare.Exact($"{at}.start_token", (int?)startToken.GetInt32(), ours.StartToken);
            if (e.TryGetProperty("end_token", out JsonElement endToken))
                compare.Exact($"{at}.end_token", (int?)endToken.GetInt32(), ours.EndToken);
            compare.NoOtherFields(at, e, "answer", "start", "end", "score", "window", "start_token", "end_token");
        }
        compare.NoOtherFields(where, item, [.. QuestionAnsweringReferenceSettings.Keys, "answers", "windows", "input_ids", "offset_mapping", "start_logits", "end_logits", "question", "context"]);
    }

    /// <summary>The window's offsets (the decoder's windows carry the fast tokenizer's), counted in code points of their texts.</summary>
    private static TokenOffset[] CodePointOffsets(DebertaEncoding window, string question, string context)
    {
        return [.. window.Offsets.Select((o, i) => window.SequenceIds[i] switch
        {
            0 => new TokenOffset(CodePointIndex.FromUtf16(question, o.Start), CodePointIndex.FromUtf16(question, o.End)),
            1 => new TokenOffset(CodePointIndex.FromUtf16(context, o.Start), CodePointIndex.FromUtf16(context, o.End)),
            _ => o,
        })];
    }

    /// <summary>Stored logits (padded to max length) against ours on the window's tokens: |Δ| ≤ 1e-5·max(1, |ref|).</summary>
    private static void Logits(string where, JsonElement stored, float[] ours, PipelineComparison compare)
    {
        var reference = stored.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int i = 0; i < ours.Length; i++)
        {
            if (Math.Abs(reference[i] - ours[i]) > LogitTolerance * Math.Max(1, Math.Abs(reference[i])))
            {
                compare.Fail($"{where}[{i}]: logit expected {reference[i]:R}, actual {ours[i]:R}");
                return;
            }
        }
    }
}
