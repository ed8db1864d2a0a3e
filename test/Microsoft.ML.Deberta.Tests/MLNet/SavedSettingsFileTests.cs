using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The encoding and question-answering settings of a saved model are read through the one step-settings reader
/// (<see cref="StepJson"/>): a missing, broken or newer file is refused with its name and what to do. Every payload's
/// <c>inference_precision</c> reads back, and an unknown one is refused rather than scored in another precision.
/// </summary>
[TestClass]
public sealed class SavedSettingsFileTests
{
    [TestMethod]
    public void MissingBrokenOrNewerSettingsFilesAreRefusedWithTheirName()
    {
        var folder = Directory.CreateTempSubdirectory("settings-").FullName;
        try
        {
            foreach (var (name, read) in new (string, Action<string>)[]
            {
                (TextEncodingSettings.FileName, p => TextEncodingSettings.Read(p)),
                (QuestionAnsweringSettings.FileName, p => QuestionAnsweringSettings.Read(p)),
            })
            {
                var path = Path.Combine(folder, name);
                StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => read(path)).Message, $"'{name}' is missing");
                File.WriteAllText(path, "{ not json");
                StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => read(path)).Message, $"'{name}' is not valid");
                File.WriteAllText(path, "{ \"format_version\": 99, \"max_length\": 64 }");
                StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => read(path)).Message, "step format 99 is newer");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void EveryPayloadReadsItsInferencePrecisionAndRefusesAnUnknownOne()
    {
        var folder = Directory.CreateTempSubdirectory("settings-").FullName;
        try
        {
            foreach (var (name, write, read) in new (string, Action<string>, Func<string, DebertaPrecision?>)[]
            {
                (TextEncodingSettings.FileName, p => new TextEncodingSettings { MaxLength = 32 }.Write(p), p => TextEncodingSettings.Read(p).InferencePrecision),
                (QuestionAnsweringSettings.FileName, p => new QuestionAnsweringSettings().Write(p), p => QuestionAnsweringSettings.Read(p).InferencePrecision),
                (TokenClassificationEncoding.FileName, p => new TokenClassificationEncoding { MaxLength = 32, Stride = 8 }.Write(p),
                    p => TokenClassificationEncoding.Read(p).InferencePrecision),
                (FillMaskPayloadSettings.FileName, p => new FillMaskPayloadSettings { TopK = 1, MaxLength = 32, BatchSize = 1 }.Write(p),
                    p => FillMaskPayloadSettings.Read(p).InferencePrecision),
            })
            {
                var path = Path.Combine(folder, name);
                write(path);
                Assert.IsNull(read(path), $"{name}: a float32 payload has no inference_precision");
                foreach (var (value, expected) in new (JsonNode, DebertaPrecision?)[] { ("BFloat16", DebertaPrecision.BFloat16), (9, null), ("Float64", null) })
                {
                    var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                    json["inference_precision"] = value;
                    File.WriteAllText(path, json.ToJsonString());
                    if (expected is { } precision)
                        Assert.AreEqual(precision, read(path), $"{name}: {value}");
                    else
                        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => read(path), $"{name}: {value}").Message, name);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
