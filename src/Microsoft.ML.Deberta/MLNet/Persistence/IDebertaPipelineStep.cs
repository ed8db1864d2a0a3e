namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A DeBERTa transformer that <c>DebertaModelIO.Save</c> stores as a stub in ML.NET's entries plus a payload folder of
/// its own (settings, weights, tokenizer files), and that <see cref="PipelineStepKinds"/> rebuilds on load.
/// </summary>
internal interface IDebertaPipelineStep : ITransformer
{
    /// <summary>What kind of step this is (recorded in the manifest; picks the reader on load), see <see cref="PipelineStepKinds"/>.</summary>
    string StepKind { get; }

    /// <summary>The format of the step's model payload, recorded in the manifest (e.g. <c>"deberta-sequence-classifier"</c>).</summary>
    string PayloadKind { get; }

    /// <summary>Writes everything needed to rebuild this step into an existing, empty folder. Must not change the step.</summary>
    void WriteStep(string folder);
}
