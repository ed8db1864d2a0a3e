using System.Text.Json;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// The pipeline arguments behind one stored question-answering output. An output may state them (<c>top_k</c>,
/// <c>max_seq_len</c>, <c>doc_stride</c>, <c>max_answer_len</c>, <c>handle_impossible_answer</c>,
/// <c>align_to_words</c>); what it does not state is read off the stored data: <c>max_seq_len</c> is the width of the
/// stored (max-length padded) <c>input_ids</c>, <c>doc_stride</c> the overlap of the first two windows' context
/// offsets (the default when there is one window, where it changes nothing), <c>top_k</c> the number of answers
/// (the same output for any larger value), the null answer on when the setting's name says "impossible" or a null
/// answer was returned, word alignment off when the outputs' note says "no word alignment".
/// </summary>
internal static class QuestionAnsweringReferenceSettings
{
    public static readonly string[] Keys = ["top_k", "max_seq_len", "doc_stride", "max_answer_len", "handle_impossible_answer", "align_to_words"];

    public static QuestionAnsweringOptions Read(string settingName, string note, JsonElement output, int sepTokenId)
    {
        var answers = output.GetProperty("answers").EnumerateArray().ToArray();
        var ids = output.GetProperty("input_ids").EnumerateArray().Select(w => w.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
        var offsets = output.GetProperty("offset_mapping").EnumerateArray()
            .Select(w => w.EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToArray()).ToArray();
        int maxSeqLength = Int(output, "max_seq_len") ?? ids[0].Length;
        bool nullAnswer = answers.Any(a => a.GetProperty("answer").GetString() == "" && a.GetProperty("start").GetInt32() == 0 && a.GetProperty("end").GetInt32() == 0);
        return new QuestionAnsweringOptions
        {
            MaxSeqLength = maxSeqLength,
            DocStride = Int(output, "doc_stride") ?? (ids.Length > 1 ? Stride(ids, offsets, sepTokenId) : null),
            TopK = Int(output, "top_k") ?? answers.Length,
            MaxAnswerLength = Int(output, "max_answer_len") ?? 15,
            HandleImpossibleAnswer = Bool(output, "handle_impossible_answer")
                ?? (settingName.Contains("impossible", StringComparison.OrdinalIgnoreCase) || nullAnswer),
            AlignToWords = Bool(output, "align_to_words") ?? !note.Contains("no word alignment", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>Context tokens of window 0 minus the position, within them, of window 1's first context token.</summary>
    private static int? Stride(int[][] ids, (int, int)[][] offsets, int sepTokenId)
    {
        (int first0, int end0) = ContextRange(ids[0], sepTokenId);
        (int first1, _) = ContextRange(ids[1], sepTokenId);
        for (int i = first0; i < end0; i++)
            if (offsets[0][i] == offsets[1][first1])
                return end0 - i;
        return null;
    }

    /// <summary>Context tokens lie between the first and the last [SEP].</summary>
    private static (int First, int End) ContextRange(int[] ids, int sepTokenId)
        => (Array.IndexOf(ids, sepTokenId) + 1, Array.LastIndexOf(ids, sepTokenId));

    private static int? Int(JsonElement e, string key) => e.TryGetProperty(key, out JsonElement v) ? v.GetInt32() : null;

    private static bool? Bool(JsonElement e, string key) => e.TryGetProperty(key, out JsonElement v) ? v.GetBoolean() : null;
}
