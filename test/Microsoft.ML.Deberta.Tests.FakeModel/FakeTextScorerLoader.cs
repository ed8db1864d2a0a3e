using System.Text.Json;
using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>Reads back what <see cref="FakeTextScorer.SavePayload"/> wrote.</summary>
public sealed class FakeTextScorerLoader : IDebertaTextScorerLoader
{
    /// <summary>The loaders a test passes to the internal DebertaModelIO.Load overload.</summary>
    internal static IReadOnlyList<IDebertaTextScorerLoader> All { get; } = [new FakeTextScorerLoader()];

    public string PayloadKind => FakeTextScorer.Kind;

    IDebertaTextScorer IDebertaTextScorerLoader.Load(string folder)
    {
        var path = Path.Combine(folder, FakeTextScorer.FileName);
        if (!File.Exists(path) || !File.Exists(Path.Combine(folder, "tokenizer", "vocab.txt")))
            throw new InvalidDataException($"Fake model payload incomplete in '{folder}'.");
        var payload = JsonSerializer.Deserialize<FakeTextScorer.Payload>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"'{path}' is empty.");
        return new FakeTextScorer(payload.Weights, payload.Bias);
    }
}
