using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Samples.WebApi;

/// <summary>
/// How request texts and answers map to a loaded model's columns: input by <see cref="ServedInput"/>, output to
/// <see cref="ServedOutput"/>, the class names of the scores (empty for a regressor). Works for classifiers (PredictedLabel as text or key,
/// Score as a vector) and regressors (Score as one number).
/// </summary>
internal sealed record ModelColumns(SchemaDefinition Input, SchemaDefinition Output, bool HasTextLabel, bool HasKeyLabel,
    bool HasScoreVector, string[] ClassNames, string TextColumn)
{
    /// <exception cref="InvalidDataException">The model's columns are not those of a text classifier or regressor; the message says which.</exception>
    public static ModelColumns Describe(ITransformer model, DataViewSchema inputSchema, string? textColumn)
    {
        var texts = inputSchema.Where(c => !c.IsHidden && c.Type is TextDataViewType).Select(c => c.Name).ToList();
        string text = textColumn ?? (texts.Contains("Text") ? "Text" : texts.FirstOrDefault()
            ?? throw new InvalidDataException("The model has no text input column; this server sends text."));
        if (!texts.Contains(text))
            throw new InvalidDataException($"The model has no text input column '{text}' (its text columns: {string.Join(", ", texts)}).");

        var input = SchemaDefinition.Create(typeof(ServedInput), SchemaDefinition.Direction.Both);
        var used = new HashSet<string>();
        foreach (var column in inputSchema.Where(c => !c.IsHidden).GroupBy(c => c.Name).Select(g => g.Last()))
        {
            string member = column.Name == text ? nameof(ServedInput.Text) : column.Type switch
            {
                TextDataViewType => nameof(ServedInput.FillText),
                NumberDataViewType n when n.RawType == typeof(float) => nameof(ServedInput.FillNumber),
                BooleanDataViewType => nameof(ServedInput.FillBoolean),
                _ => throw new InvalidDataException(
                    $"The model's input column '{column.Name}' is of type {column.Type}; this server can fill text, Single and Boolean columns only."),
            };
            if (!used.Add(member))
                throw new InvalidDataException($"The model asks for more than one extra {column.Type} input column (e.g. '{column.Name}'); this server fills one of each type.");
            input.Single(c => c.MemberName == member).ColumnName = column.Name;
        }
        input.RemoveAll(c => !used.Contains(c.MemberName));

        var outputSchema = model.GetOutputSchema(inputSchema);
        var output = SchemaDefinition.Create(typeof(ServedOutput), SchemaDefinition.Direction.Both);
        var label = outputSchema.GetColumnOrNull("PredictedLabel");
        var score = outputSchema.GetColumnOrNull("Score") ?? throw new InvalidDataException("The model has no Score column; this server serves classifiers and regressors.");
        bool textLabel = label?.Type is TextDataViewType;
        bool keyLabel = label?.Type is KeyDataViewType;
        bool vector = score.Type is VectorDataViewType;
        var bound = new Dictionary<string, DataViewSchema.Column>();
        if (textLabel || keyLabel)
            bound[textLabel ? nameof(ServedOutput.PredictedLabel) : nameof(ServedOutput.PredictedKey)] = label!.Value;
        bound[vector ? nameof(ServedOutput.Scores) : nameof(ServedOutput.Score)] = score;
        foreach (var (member, column) in bound)
        {
            var bind = output.Single(c => c.MemberName == member); // by member: the indexer looks up column names
            bind.ColumnName = column.Name;
            bind.ColumnType = column.Type;
        }
        output.RemoveAll(c => !bound.ContainsKey(c.MemberName));
        return new ModelColumns(input, output, textLabel, keyLabel, vector, vector ? ClassNamesOf(score, label) : [], text);
    }

    // Slot names of Score (ML.NET's classifiers annotate them), else the key values of PredictedLabel, else indices.
    private static string[] ClassNamesOf(DataViewSchema.Column score, DataViewSchema.Column? label)
    {
        int size = ((VectorDataViewType)score.Type).Size;
        VBuffer<ReadOnlyMemory<char>> names = default;
        if (score.HasSlotNames())
            score.GetSlotNames(ref names);
        else if (label is { } l && l.HasKeyValues())
            l.GetKeyValues(ref names);
        var dense = names.Length == size ? names.DenseValues().Select(n => n.ToString()).ToArray() : [];
        return dense.Length == size && dense.All(n => n.Length > 0) ? dense : [.. Enumerable.Range(0, size).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>The answer to one text, as the response shows it.</summary>
    public Prediction Answer(ServedOutput output)
    {
        if (!HasScoreVector)
            return new Prediction(null, output.Score, null);
        var scores = new Dictionary<string, float>();
        for (int i = 0; i < output.Scores.Length && i < ClassNames.Length; i++)
            scores[ClassNames[i]] = output.Scores[i];
        string? label = HasTextLabel ? output.PredictedLabel
            : HasKeyLabel && output.PredictedKey >= 1 && output.PredictedKey <= ClassNames.Length ? ClassNames[output.PredictedKey - 1]
            : scores.Count > 0 ? scores.MaxBy(s => s.Value).Key : null;
        return new Prediction(label, label is not null && scores.TryGetValue(label, out var s) ? s : null, scores);
    }
}

/// <summary>One text's answer: the label and its score (classifiers) or the value (regressors: <c>score</c>), and every class's score.</summary>
public sealed record Prediction(string? Label, float? Score, Dictionary<string, float>? Scores);
