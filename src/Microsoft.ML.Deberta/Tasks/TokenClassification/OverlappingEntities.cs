namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// The pipeline's <c>aggregate_overlapping_entities</c>, for texts scored in several windows: entities sorted by
/// start (stable); of two that overlap, the longer span wins, and on equal lengths the higher score.
/// </summary>
internal static class OverlappingEntities
{
    /// <summary>Merges the entities of all windows of one text.</summary>
    public static List<EntitySpan> Merge(IReadOnlyList<EntitySpan> entities)
    {
        var merged = new List<EntitySpan>();
        if (entities.Count == 0)
            return merged;
        var sorted = entities.OrderBy(e => e.Start).ToList();
        EntitySpan previous = sorted[0];
        foreach (EntitySpan entity in sorted)
        {
            if (previous.Start <= entity.Start && entity.Start < previous.End)
            {
                int length = entity.End - entity.Start;
                int previousLength = previous.End - previous.Start;
                if (length > previousLength || (length == previousLength && entity.Score > previous.Score))
                    previous = entity;
            }
            else
            {
                merged.Add(previous);
                previous = entity;
            }
        }
        merged.Add(previous);
        return merged;
    }
}
