using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// What every test of an ML.NET step scoring through ONNX Runtime checks against the same step scoring with TorchSharp:
/// the schema with its annotations, the exact columns (labels, tokens, spans) equal, the float columns within 1e-4
/// (ONNX Runtime's fusions round differently), printed as one line per step.
/// </summary>
internal static class OnnxStepParity
{
    public const float Tolerance = 1e-4f;

    /// <summary>Asserts the above and prints <c>onnx mlnet &lt;route&gt;: &lt;n&gt; outputs compared, max |Δ| &lt;x&gt;</c>.</summary>
    public static void AssertSame(TestContext context, string route, IDataView expected, IDataView actual, string[] exactColumns, params string[] floatColumns)
    {
        Assert.AreEqual(OnnxTextScoringTests.SchemaText(expected.Schema), OnnxTextScoringTests.SchemaText(actual.Schema), route);
        CollectionAssert.AreEqual(PredictionDump.Lines(expected, exactColumns), PredictionDump.Lines(actual, exactColumns), route);
        float delta = 0;
        int compared = 0;
        foreach (var column in floatColumns)
        {
            var a = expected.GetColumn<float[]>(column).SelectMany(v => v).ToList();
            var b = actual.GetColumn<float[]>(column).SelectMany(v => v).ToList();
            Assert.HasCount(a.Count, b, $"{route}: {column}");
            delta = Math.Max(delta, a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max());
            compared += a.Count;
        }
        context.WriteLine($"onnx mlnet {route}: {compared} outputs compared, max |Δ| {delta:G3}");
        Assert.IsGreaterThan(0, compared, $"{route}: some output to compare");
        Assert.IsLessThanOrEqualTo(Tolerance, delta, route);
    }
}
