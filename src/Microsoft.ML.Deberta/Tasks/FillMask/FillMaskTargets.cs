using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.FillMask;

/// <summary>
/// The token ids that fill-mask's <c>targets</c> restrict propositions to, resolved as transformers'
/// <c>FillMaskPipeline.get_target_ids</c> does: a target that is a vocabulary entry is its id; any other target is
/// tokenized without special tokens and its first id used (with a warning); a target that yields no token is
/// dropped (with a warning); duplicates are removed.
/// </summary>
public sealed class FillMaskTargets
{
    private FillMaskTargets(IReadOnlyList<int> ids, IReadOnlyList<string> warnings)
    {
        Ids = ids;
        Warnings = warnings;
    }

    /// <summary>The distinct target ids, in the order their targets first appeared.</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>What transformers logs as warnings: targets outside the vocabulary and what replaced them.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Resolves <paramref name="targets"/> against <paramref name="tokenizer"/>'s vocabulary.</summary>
    /// <exception cref="ArgumentException">No target is given, or none yields a token.</exception>
    public static FillMaskTargets Resolve(DebertaTokenizerBase tokenizer, IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(targets);
        var ids = new List<int>();
        var warnings = new List<string>();
        foreach (string target in targets)
        {
            ArgumentNullException.ThrowIfNull(target, nameof(targets));
            int id = tokenizer.ConvertTokenToId(target);
            // ConvertTokenToId answers [UNK] for unknown entries; only the [UNK] string itself really is that entry.
            if (id == tokenizer.UnkTokenId && target != tokenizer.UnkToken)
            {
                var pieces = tokenizer.Encode(target, new DebertaEncodeOptions { AddSpecialTokens = false }).InputIds;
                if (pieces.Count == 0)
                {
                    warnings.Add($"The specified target token `{target}` does not exist in the model vocabulary. We cannot replace it with anything meaningful, ignoring it");
                    continue;
                }
                id = pieces[0];
                warnings.Add($"The specified target token `{target}` does not exist in the model vocabulary. Replacing with `{tokenizer.ConvertIdToToken(id)}`.");
            }
            if (!ids.Contains(id))
                ids.Add(id);
        }
        if (ids.Count == 0)
            throw new ArgumentException("At least one target must be provided when passed: give fill-mask targets that are words or tokens, or no targets at all.", nameof(targets));
        return new FillMaskTargets(ids, warnings);
    }
}
