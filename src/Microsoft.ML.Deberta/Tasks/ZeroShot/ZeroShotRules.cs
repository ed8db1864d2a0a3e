namespace Microsoft.ML.Deberta.Tasks.ZeroShot;

/// <summary>
/// transformers' <c>zero-shot-classification</c> rules, model-free: every text is a premise, every candidate label a
/// hypothesis made from a template; the NLI model's entailment logits say how well a label fits. Single-label scores
/// are the softmax of the entailment logits across labels; multi-label scores (and any single label) are, per label,
/// the softmax of its contradiction and entailment logits, i.e. the sigmoid of entailment − contradiction.
/// </summary>
internal static class ZeroShotRules
{
    /// <summary>transformers' default hypothesis template.</summary>
    public const string DefaultTemplate = "This example is {}.";

    private const string Slot = "{}";

    /// <summary>The hypothesis for <paramref name="label"/>: the template with its <c>{}</c> replaced (Python's <c>str.format</c> with one label).</summary>
    public static string Hypothesis(string template, string label) => template.Replace(Slot, label, StringComparison.Ordinal);

    /// <summary>Refuses a template that has no place for the label (transformers' check: formatting it changes nothing).</summary>
    public static void CheckTemplate(string? template, string method)
    {
        if (string.IsNullOrEmpty(template) || !template.Contains(Slot, StringComparison.Ordinal))
            throw new ArgumentException(
                $"{method}: the hypothesis template \"{template}\" has no {Slot} where the label should go; write e.g. \"{DefaultTemplate}\".",
                "hypothesisTemplate");
    }

    /// <summary>The candidate labels, checked: at least one, none empty, no repeats (they become key values and slot names).</summary>
    public static string[] CheckLabels(IEnumerable<string>? labels, string method)
    {
        var list = labels?.ToArray() ?? [];
        if (list.Length == 0)
            throw new ArgumentException(
                $"{method}: no candidate labels. Give at least one label to score the texts against, e.g. [\"sports\", \"politics\"].", "candidateLabels");
        for (int i = 0; i < list.Length; i++)
            if (string.IsNullOrWhiteSpace(list[i]))
                throw new ArgumentException($"{method}: candidate label {i} is empty; every label must be a word or phrase.", "candidateLabels");
        var repeated = list.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new ArgumentException($"{method}: the candidate label \"{repeated.Key}\" is given twice; give each label once.", "candidateLabels");
        return list;
    }

    /// <summary>Candidate labels written as one text, as transformers accepts them: split at commas, each trimmed.</summary>
    public static string[] ParseLabels(string labels) => labels.Split(',').Select(l => l.Trim()).ToArray();

    /// <summary>
    /// The entailment id (the first label2id entry starting with "entail", case-insensitive) and the contradiction id
    /// (0, or the last id when entailment is 0), as transformers finds them.
    /// </summary>
    /// <exception cref="ArgumentException">No label starts with "entail" (transformers would silently use the last logit).</exception>
    public static (int Entailment, int Contradiction) NliIds(IReadOnlyDictionary<string, int> label2id, int numLabels, string folder, string method)
    {
        foreach (var (label, id) in label2id)
        {
            if (label.StartsWith("entail", StringComparison.OrdinalIgnoreCase) && id >= 0 && id < numLabels)
                return (id, id == 0 ? numLabels - 1 : 0);
        }
        throw new ArgumentException(
            $"{method}: '{folder}' names no entailment label (its labels: {string.Join(", ", label2id.Keys)}). Zero-shot classification " +
            "needs an NLI checkpoint whose config.json maps a label starting with \"entail\" (e.g. \"entailment\") in label2id/id2label; " +
            "fix the config if the checkpoint is an NLI model with generic LABEL_i names.", "modelFolder");
    }

    /// <summary>
    /// One text's raw outputs from the (label, class) logits of its hypotheses: the entailment logits (single-label,
    /// softmaxed across labels by the caller) or the log-odds entailment − contradiction per label (multi-label,
    /// passed through a sigmoid by the caller).
    /// </summary>
    public static float[] Outputs(IReadOnlyList<float[]> labelLogits, int entailment, int contradiction, bool multiLabel)
    {
        var outputs = new float[labelLogits.Count];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = multiLabel ? labelLogits[i][entailment] - labelLogits[i][contradiction] : labelLogits[i][entailment];
        return outputs;
    }
}
