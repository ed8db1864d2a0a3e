using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// The pipeline's <c>group_entities</c>: adjacent entities of the same tag are joined unless the later one is a
/// <c>B-</c>; a label without a <c>B-</c>/<c>I-</c> prefix counts as <c>I-</c> of itself.
/// </summary>
internal static class EntityGrouper
{
    /// <summary>Groups token or word entities (full labels) into entity groups (tags).</summary>
    public static List<EntitySpan> Group(IReadOnlyList<EntitySpan> entities, DebertaTokenizerBase tokenizer)
    {
        var groups = new List<EntitySpan>();
        var members = new List<EntitySpan>();
        foreach (EntitySpan entity in entities)
        {
            if (members.Count > 0)
            {
                (string bi, string tag) = Tag(entity.Label);
                (_, string lastTag) = Tag(members[^1].Label);
                if (tag != lastTag || bi == "B")
                {
                    groups.Add(Join(members, tokenizer));
                    members.Clear();
                }
            }
            members.Add(entity);
        }
        if (members.Count > 0)
            groups.Add(Join(members, tokenizer));
        return groups;
    }

    /// <summary>Splits a label into its B/I part and its tag (transformers' <c>get_tag</c>).</summary>
    public static (string BeginOrInside, string Tag) Tag(string label)
    {
        if (label.StartsWith("B-", StringComparison.Ordinal))
            return ("B", label[2..]);
        if (label.StartsWith("I-", StringComparison.Ordinal))
            return ("I", label[2..]);
        return ("I", label);
    }

    /// <summary>One group: the first member's label after its first "-", the mean score, the members' words joined.</summary>
    private static EntitySpan Join(List<EntitySpan> members, DebertaTokenizerBase tokenizer)
    {
        string label = members[0].Label;
        int dash = label.IndexOf('-');
        string group = dash >= 0 ? label[(dash + 1)..] : label;
        float score = (float)members.Average(m => (double)m.Score);
        string word = tokenizer.ConvertTokensToString(members.Select(m => m.Word));
        return new EntitySpan(group, score, word, members[0].Start, members[^1].End, null);
    }
}
