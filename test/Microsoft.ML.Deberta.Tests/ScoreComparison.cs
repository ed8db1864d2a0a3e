namespace Microsoft.ML.Deberta.Tests;

/// <summary>Compares two scorings of the same rows, each row a vector of scores (a step's <c>Score</c> column).</summary>
internal static class ScoreComparison
{
    /// <summary>
    /// The largest |expected − actual| over every row's scores (0 when there are none). Fails when the row or score
    /// counts differ, which a <c>Zip</c> would cut short silently.
    /// </summary>
    public static double MaxAbsDifference(float[][] expected, float[][] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, $"{what}: row counts");
        double worst = 0;
        for (int row = 0; row < expected.Length; row++)
        {
            Assert.HasCount(expected[row].Length, actual[row], $"{what}, row {row}: score counts");
            for (int i = 0; i < expected[row].Length; i++)
                worst = Math.Max(worst, Math.Abs(expected[row][i] - actual[row][i]));
        }
        return worst;
    }
}
