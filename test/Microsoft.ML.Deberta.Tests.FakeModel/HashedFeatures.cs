namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// Character-trigram counts hashed into a small vector (FNV-1a, so identical in every process), L2-normalised.
/// The second text of a pair lands in the same vector with another salt.
/// </summary>
public static class HashedFeatures
{
    public const int Size = 64;

    public static float[] Of(string text, string? pair)
    {
        var features = new float[Size];
        Add(features, text, 0x811C9DC5u);
        if (pair is not null)
            Add(features, pair, 0x01000193u);
        double norm = Math.Sqrt(features.Sum(f => (double)f * f));
        if (norm > 0)
            for (int i = 0; i < Size; i++)
                features[i] = (float)(features[i] / norm);
        return features;
    }

    private static void Add(float[] features, string text, uint salt)
    {
        var padded = $"^{text.ToLowerInvariant()}$";
        for (int i = 0; i + 3 <= padded.Length; i++)
        {
            uint hash = salt;
            for (int j = i; j < i + 3; j++)
                hash = (hash ^ padded[j]) * 16777619u;
            features[hash % Size] += 1;
        }
    }
}
