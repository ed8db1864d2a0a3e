using System.Collections.Concurrent;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Serving;

namespace Microsoft.ML.Deberta.Tests.Serving;

/// <summary>
/// <see cref="SingleCursorView"/> keeps ML.NET from splitting a batch's rows over other threads: a row-to-row
/// transform's output read through <c>CreateEnumerable</c> reads its input on a splitter thread, through the view on
/// the reading thread itself (the batching predictor's scoring loop).
/// </summary>
[TestClass]
public sealed class SingleCursorViewTests
{
    private sealed class Row
    {
        public static readonly ConcurrentBag<int> ReadingThreads = [];
        private float _value;

        public float Value
        {
            get { ReadingThreads.Add(Environment.CurrentManagedThreadId); return _value; }
            set => _value = value;
        }
    }

    private sealed class Output
    {
        public double Converted { get; set; }
    }

    private static (double[] Values, int[] Threads) Read(bool throughView)
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 200).Select(i => new Row { Value = i }).ToArray();
        Row.ReadingThreads.Clear();
        var input = mlContext.Data.LoadFromEnumerable(rows);
        // A computed column: ML.NET's transforms ask for parallel cursors for it.
        IDataView converted = mlContext.Transforms.Conversion.ConvertType("Converted", "Value", DataKind.Double).Fit(input).Transform(input);
        if (throughView)
            converted = new SingleCursorView(converted);
        var values = mlContext.Data.CreateEnumerable<Output>(converted, reuseRowObject: false).Select(o => o.Converted).ToArray();
        return (values, Row.ReadingThreads.Distinct().ToArray());
    }

    [TestMethod]
    public void RowsAreReadOnTheReadingThreadInOrder()
    {
        var (values, threads) = Read(throughView: true);
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).Select(i => (double)i).ToArray(), values);
        CollectionAssert.AreEqual(new[] { Environment.CurrentManagedThreadId }, threads);
    }

    [TestMethod]
    public void WithoutTheViewMLNetReadsTheRowsOnAnotherThread()
    {
        // The control: what the view prevents happens here (ML.NET splits over at least two threads on any machine).
        var (values, threads) = Read(throughView: false);
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).Select(i => (double)i).ToArray(), values);
        CollectionAssert.DoesNotContain(threads, Environment.CurrentManagedThreadId);
    }
}
