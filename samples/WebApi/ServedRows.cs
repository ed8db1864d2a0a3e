namespace Microsoft.ML.Deberta.Samples.WebApi;

/// <summary>
/// One request text as a model input row. <see cref="ModelColumns"/> maps <see cref="Text"/> to the model's text column
/// and the fillers to the other columns the saved pipeline asks for (e.g. the label its first step maps to a key).
/// </summary>
public sealed class ServedInput
{
    public string Text { get; set; } = "";

    public string FillText { get; set; } = "";

    public float FillNumber { get; set; }

    public bool FillBoolean { get; set; }
}

/// <summary>A classifier's or regressor's outputs; <see cref="ModelColumns"/> binds the members the model has.</summary>
public sealed class ServedOutput
{
    public string PredictedLabel { get; set; } = "";

    public uint PredictedKey { get; set; }

    public float[] Scores { get; set; } = [];

    public float Score { get; set; }
}
