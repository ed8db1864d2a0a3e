using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The output binder of a task: the columns a scoring step adds and how each one's value follows from a row's
/// prediction. Classification's <see cref="PredictionColumns"/> is the <c>float[]</c> (logits) case; structured tasks
/// write vector columns (keys, text, scores of any length per row) with <see cref="VectorValues"/>. Immutable.
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal interface IRowOutputColumns<TRow>
{
    /// <summary>The added columns with their annotations, in the order <see cref="MakeGetter"/> indexes them.</summary>
    /// <param name="setId">The ScoreColumnSetId for this group of columns (see <see cref="ScoreAnnotations.NextScoreColumnSetId"/>).</param>
    DataViewSchema.DetachedColumn[] CreateColumns(uint setId);

    /// <summary>
    /// A <c>ValueGetter&lt;T&gt;</c> (T = the column's raw type, e.g. <c>VBuffer&lt;uint&gt;</c>) for added column
    /// <paramref name="index"/> that reads the current row's prediction from <paramref name="row"/>.
    /// </summary>
    Delegate MakeGetter(int index, Func<TRow> row);
}
