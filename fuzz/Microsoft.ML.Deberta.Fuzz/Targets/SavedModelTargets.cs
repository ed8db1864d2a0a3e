using Microsoft.ML.Deberta.Onnx;

namespace Microsoft.ML.Deberta.Fuzz.Targets;

/// <summary>
/// Files our own code wrote and users pass around: an ML.NET .zip loaded through <see cref="DebertaModelIO.Load(MLContext, Stream, out DataViewSchema)"/>
/// (ML.NET's container, our manifest and payload), and an ONNX file through <see cref="DebertaOnnxModel.Load(byte[], int, Microsoft.ML.OnnxRuntime.SessionOptions?)"/>.
/// Whatever loads also scores a row.
/// </summary>
internal static class SavedModelTargets
{
    private sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public static FuzzTarget ModelZip { get; } = new("mlnet-zip", "an ML.NET .zip saved with DebertaModelIO.Save (container, manifest, payload)",
        (input, unused) =>
        {
            var mlContext = new MLContext(seed: 1);
            using var stream = new MemoryStream(input, writable: false);
            var model = DebertaModelIO.Load(mlContext, stream, out _);
            try
            {
                var rows = mlContext.Data.LoadFromEnumerable([new Row { Text = "a fine day" }, new Row { Text = "" }]);
                var scored = model.Transform(rows);
                using var cursor = scored.GetRowCursor(scored.Schema);
                while (cursor.MoveNext()) { }
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
        },
        [typeof(FileNotFoundException), typeof(InvalidDataException)],
        HangMilliseconds: 5000);   // unzip, tokenizer, libtorch model and a Transform per input: ~0.5 s warm, more under load

    public static FuzzTarget Onnx { get; } = new("onnx", "an ONNX model (protobuf graph and initializers) scored by ONNX Runtime",
        (input, unused) =>
        {
            using var model = DebertaOnnxModel.Load(input);
            // Two rows of different lengths (ids inside the seed graph's 128-token vocabulary): padding and masks too.
            _ = model.Score([[1, 17, 42, 2], [1, 99, 2]], [[1, 1, 1, 1], [1, 1, 1]], null);
        },
        [typeof(FileNotFoundException), typeof(InvalidDataException)]);
}
