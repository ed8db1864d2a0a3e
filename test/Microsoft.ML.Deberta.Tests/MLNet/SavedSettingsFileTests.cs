using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The encoding and question-answering settings of a saved model are read through the one step-settings reader
/// (<see cref="StepJson"/>): a missing, broken or newer file is refused with its name and what to do.
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
}
