using System.Globalization;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// One task the ML.NET layer scores through ONNX Runtime, as the serving and int8 tests run it: its input columns and
/// rows, the TorchSharp step built on a small golden-copy model (as the task's ONNX ML.NET test builds it), the columns
/// holding its scores and those that must be equal.
/// </summary>
internal sealed record OnnxServedTask(string[] InputColumns, string[][] Rows, Func<MLContext, IDataView, List<IDisposable>, ITransformer> Fit,
    string[] ScoreColumns, string[] ExactColumns)
{
    /// <summary>The score columns, then the exact ones.</summary>
    public string[] Columns => [.. ScoreColumns, .. ExactColumns];

    /// <summary>
    /// Writes the rows to <c>rows.tsv</c> in <paramref name="work"/>, reads them back as the serving child does, and
    /// fits the TorchSharp step on them.
    /// </summary>
    public Fitted FitIn(TemporaryDirectory work)
    {
        var fitted = new Fitted(new MLContext(seed: 1), work.File("rows.tsv"));
        try
        {
            ServingModel.WriteRows(fitted.RowsPath, InputColumns, Rows);
            fitted.Data = ServingModel.ReadRows(fitted.MLContext, fitted.RowsPath);
            fitted.Torch = fitted.Own(Fit(fitted.MLContext, fitted.Data, fitted.Owned));
            return fitted;
        }
        catch
        {
            fitted.Dispose();
            throw;
        }
    }

    /// <summary>A fitted task: its rows, the TorchSharp step and what the test owns (checkpoint copies, steps), disposed last-first.</summary>
    public sealed class Fitted(MLContext mlContext, string rowsPath) : IDisposable
    {
        public MLContext MLContext { get; } = mlContext;

        public string RowsPath { get; } = rowsPath;

        public IDataView Data { get; set; } = null!;

        public ITransformer Torch { get; set; } = null!;

        public List<IDisposable> Owned { get; } = [];

        /// <summary>Disposes <paramref name="step"/> with the rest.</summary>
        public ITransformer Own(ITransformer step)
        {
            Owned.Add((IDisposable)step);
            return step;
        }

        public void Dispose()
        {
            foreach (var disposable in Enumerable.Reverse(Owned))
                disposable.Dispose();
        }
    }

    public static OnnxServedTask Named(string task) => task switch
    {
        "text classification" => new(["Text"], Texts(DebertaTestData.SingleCharacterTexts(6, seed: 8)), (ml, data, owned) =>
            ml.Transforms.Deberta.ApplyTextModel(Golden(owned, "seqcls", CheckpointFolder.Labels("neg", "neutral", "pos")), batchSize: 4).Fit(data),
            ["Score"], ["PredictedLabel"]),
        "regression" => new(["Text"], Texts(DebertaTestData.SingleCharacterTexts(6, seed: 9)), (ml, data, owned) =>
            ml.Transforms.Deberta.ApplyTextModel(Golden(owned, "regression"), batchSize: 4).Fit(data), ["Score"], []),
        "text pair scoring" => new(["Query", "Passage"],
            [.. DebertaTestData.SingleCharacterTexts(6, seed: 5).Zip(DebertaTestData.SingleCharacterTexts(6, seed: 6), (q, p) => new[] { q, p })],
            (ml, data, owned) => ml.Transforms.Deberta.TextPairScoring(Golden(owned, "regression"), batchSize: 4).Fit(data), ["Score"], []),
        // A text cut into sliding windows, whose vectors are averaged.
        "embeddings" => new(["Text"],
            Texts([.. DebertaTestData.SingleCharacterTexts(4, seed: 9), string.Join(",", DebertaTestData.SingleCharacterTexts(6, seed: 10))]),
            (ml, data, owned) => ml.Transforms.Deberta.TextEmbedding(new TextEmbeddingOptions
            {
                ModelFolder = Golden(owned, "base"), Pooling = EmbeddingPooling.Mean, Normalize = true, MaxLength = 12, Stride = 3, BatchSize = 3,
            }).Fit(data), ["Features"], []),
        "zero-shot" => new(["Text"], Texts(["The team won the match in the last minute.", "Parliament voted on the new budget today.", "Two eggs and some flour."]),
            (ml, data, owned) => ml.Transforms.Deberta.ZeroShotClassification(Owned(owned, NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment")).Path,
                ["sports", "politics", "cooking"], batchSize: 4).Fit(data), ["Score"], ["PredictedLabel"]),
        // Short windows with a stride, so the long row spans several windows.
        "NER" => new(["Text"], Texts(["My name is Wolfgang and I live in Berlin", "Sarah lives in London .", "Anna and Tom met Paul in Paris , Rome and Oslo last year"]),
            (ml, data, _) => ml.Transforms.Deberta.ApplyTokenClassificationModel(NerData.PipelineTokenClassifier, maxLength: 10, stride: 3, batchSize: 2).Fit(data),
            ["Score", "EntityScore"], ["PredictedLabel", "EntityGroup", "EntityText", "EntityStart", "EntityEnd"]),
        "question answering" => new(["Question", "Context"],
            [
                ["Who wrote DeBERTa?", "DeBERTa was written by Pengcheng He and colleagues at Microsoft."],
                ["Where is it?", "The model lives in Redmond. Its tokenizer lives in Paris, and its weights in a file on a disk."],
            ],
            (ml, data, _) => ml.Transforms.Deberta.ApplyQuestionAnsweringModel(GoldenData.Bundled("pipelines", "v1_qa"), topK: 2, maxSeqLength: 24, docStride: 6, batchSize: 2)
                .Fit(data), ["Score"], ["Answer", "Start", "End"]),
        "fill-mask" => new(["Text"], Texts(["The capital of France is [MASK].", "The [MASK] of France is [MASK].", "I loved this [MASK]!"]),
            (ml, data, _) => ml.Transforms.Deberta.FillMask(GoldenData.Bundled("pipelines", "v3_mlm"), topK: 4, batchSize: 2).Fit(data),
            ["Score"], ["Tokens", "Sequences", "TokenIds"]),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "No such served task."),
    };

    /// <summary>The float values of PredictionDump's text of one column (bits in hex, comma-separated).</summary>
    public static List<float> Floats(string bits) => bits.Length == 0 ? [] : [.. bits.Split(',')
        .Select(b => BitConverter.Int32BitsToSingle(int.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)))];

    /// <summary>Every value of the float (or float vector) columns of <paramref name="scored"/>, row by row.</summary>
    public static List<float> Floats(IDataView scored, params string[] columns) =>
        [.. PredictionDump.Lines(scored, columns).SelectMany(line => line.Split('\t')).SelectMany(Floats)];

    private static string[][] Texts(IEnumerable<string> texts) => [.. texts.Select(t => new[] { t })];

    private static string Golden(List<IDisposable> owned, string head, Action<System.Text.Json.Nodes.JsonObject>? edit = null) =>
        Owned(owned, CheckpointFolder.FromGolden("v1_rel_c2p_p2c", head, edit)).Path;

    private static T Owned<T>(List<IDisposable> owned, T disposable) where T : IDisposable
    {
        owned.Add(disposable);
        return disposable;
    }
}
