using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>The loader trick: ML.NET's own SchemaShape.Create reached through public API.</summary>
[TestClass]
public sealed class SchemaShapesTests
{
    [TestMethod]
    public void ShapeRecordsKindsKeysAndAnnotationShapes()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.CopyColumns("Text", "Label")) // hides the original Text
            .Fit(data).Transform(data);
        var shape = SchemaShapes.FromSchema(keyed.Schema);

        Assert.AreEqual(keyed.Schema.Count(c => !c.IsHidden), shape.Count, "hidden columns are left out");
        var label = SchemaShapes.Find(shape, "Label")!.Value;
        Assert.IsTrue(label.IsKey);
        Assert.AreEqual(NumberDataViewType.UInt32, label.ItemType);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Scalar, label.Kind);
        var keyValues = label.Annotations.Single(a => a.Name == "KeyValues");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, keyValues.Kind);
        Assert.AreEqual(TextDataViewType.Instance, keyValues.ItemType);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, SchemaShapes.Find(shape, "Vector")!.Value.Kind);
        Assert.AreEqual(SchemaShape.Column.VectorKind.VariableVector, SchemaShapes.Find(shape, "Words")!.Value.Kind);
        Assert.IsTrue(SchemaShapes.Find(shape, "Text")!.Value.IsKey, "the visible Text is the key copy");
        Assert.IsNull(SchemaShapes.Find(shape, "Nope"));
        Assert.AreEqual("Key<UInt32>", SchemaShapes.Describe(label));
    }

    [TestMethod]
    public void ShapeIsAcceptedByMLNetEstimators()
    {
        // ML.NET's own estimators check their inputs against the shape; MapKeyToValue needs IsKey and KeyValues.
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 6);
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var shape = mlContext.Transforms.Conversion.MapKeyToValue("LabelValue", "Label").GetOutputSchema(SchemaShapes.FromSchema(keyed.Schema));
        Assert.AreEqual(TextDataViewType.Instance, SchemaShapes.Find(shape, "LabelValue")!.Value.ItemType);
        // Without the key annotations, the same estimator refuses.
        Assert.Throws<Exception>(() => mlContext.Transforms.Conversion.MapKeyToValue("LabelValue", "Label").GetOutputSchema(SchemaShapes.FromSchema(data.Schema)));
    }

    [TestMethod]
    public void AppendReplacesSameNamedColumns()
    {
        var mlContext = new MLContext(seed: 1);
        var input = SchemaShapes.FromSchema(TestRows.View(mlContext, 1).Schema);
        var added = SchemaShapes.FromColumns([new DataViewSchema.DetachedColumn("Label", NumberDataViewType.Double), new("Extra", BooleanDataViewType.Instance)]);
        var merged = SchemaShapes.Append(input, added);
        Assert.AreEqual(input.Count + 1, merged.Count);
        Assert.AreEqual(NumberDataViewType.Double, SchemaShapes.Find(merged, "Label")!.Value.ItemType);
    }
}
