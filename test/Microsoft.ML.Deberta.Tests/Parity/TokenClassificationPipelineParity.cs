using System.Text.Json;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// Replays the token-classification outputs of one pipeline folder: every setting of <c>outputs</c> that holds one
/// list of entities per text (named after its aggregation strategy) is decoded from the folder's own tokenizer and
/// model, and every field of every entity is compared.
/// </summary>
internal static class TokenClassificationPipelineParity
{
    public const string Task = "token-classification";

    /// <summary>Whether a setting's value is one list of entities (objects with entity or entity_group) per text.</summary>
    public static bool Holds(JsonElement setting)
        => setting.GetArrayLength() > 0 && setting.EnumerateArray().All(row => row.ValueKind == JsonValueKind.Array
            && row.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && (e.TryGetProperty("entity", out _) || e.TryGetProperty("entity_group", out _))));

    public static PipelineComparison Compare(GoldenPipelineFolder folder)
    {
        var compare = new PipelineComparison();
        var tokenizer = DebertaTokenizerBase.FromFolder(folder.Path);
        using var model = DebertaCheckpoint.Load<DebertaForTokenClassification>(folder.Path);
        var id2label = Enumerable.Range(0, model.Config.NumLabels).Select(i => model.Config.Id2Label[i]).ToArray();
        var decoder = new TokenClassificationDecoder(tokenizer, id2label);
        var windows = folder.Texts.Select(t => decoder.Encode(t)).ToArray();
        var logits = PipelineModelRunner.TokenLogits(model, [.. windows.SelectMany(w => w)]);
        foreach ((string name, JsonElement setting) in folder.Settings.Where(s => Holds(s.Value)))
        {
            if (!Enum.TryParse(name, ignoreCase: true, out EntityAggregation aggregation))
            {
                compare.Fail($"{folder.Name} outputs.{name}: not an aggregation strategy (none, simple, first, average, max).");
                continue;
            }
            var rows = setting.EnumerateArray().ToArray();
            if (rows.Length != folder.Texts.Length)
                compare.Fail($"{folder.Name} outputs.{name}: {rows.Length} rows for {folder.Texts.Length} texts.");
            int next = 0;
            for (int t = 0; t < Math.Min(rows.Length, folder.Texts.Length); t++)
            {
                var textLogits = logits.Skip(next).Take(windows[t].Count).ToArray();
                next += windows[t].Count;
                var actual = decoder.Decode(folder.Texts[t], windows[t], textLogits, new TokenClassificationDecodingOptions { Aggregation = aggregation });
                CompareEntities($"{folder.Name} outputs.{name}[{t}]", folder.Texts[t], rows[t], actual, compare);
            }
        }
        return compare;
    }

    private static void CompareEntities(string where, string text, JsonElement expected, IReadOnlyList<EntitySpan> actual, PipelineComparison compare)
    {
        var stored = expected.EnumerateArray().ToArray();
        compare.Exact($"{where} entity count", stored.Length, actual.Count);
        for (int i = 0; i < Math.Min(stored.Length, actual.Count); i++)
        {
            string at = $"{where}[{i}]";
            JsonElement e = stored[i];
            EntitySpan ours = actual[i];
            compare.Outputs++;
            bool grouped = e.TryGetProperty("entity_group", out JsonElement group);
            compare.Exact($"{at}.{(grouped ? "entity_group" : "entity")}", (grouped ? group : e.GetProperty("entity")).GetString(), ours.Label);
            compare.Exact($"{at}.word", e.GetProperty("word").GetString(), ours.Word);
            compare.Exact($"{at}.start", e.GetProperty("start").GetInt32(), CodePointIndex.FromUtf16(text, ours.Start));
            compare.Exact($"{at}.end", e.GetProperty("end").GetInt32(), CodePointIndex.FromUtf16(text, ours.End));
            compare.Score($"{at}.score", e.GetProperty("score").GetDouble(), ours.Score);
            if (e.TryGetProperty("index", out JsonElement index))
                compare.Exact($"{at}.index", (int?)index.GetInt32(), ours.TokenIndex);
            compare.NoOtherFields(at, e, "entity", "entity_group", "word", "start", "end", "score", "index");
        }
    }
}
