using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// A linear model on hashed trigrams standing in for DeBERTa behind <see cref="IDebertaTextScorer"/>. Its outputs
/// depend on each row alone (never on the batch), its weights are its payload, and it records how it is called:
/// batch sizes, concurrent calls (it throws if two overlap), disposal.
/// </summary>
public sealed class FakeTextScorer : IDebertaTextScorer
{
    public const string Kind = "fake-hashed-trigrams";
    public const string FileName = "fake_model.json";

    private readonly float[][] _weights;
    private readonly float[] _bias;
    private int _active;

    public FakeTextScorer(float[][] weights, float[] bias)
    {
        _weights = weights;
        _bias = bias;
    }

    public string PayloadKind => Kind;

    public int OutputSize => _bias.Length;

    /// <summary>Rows per ScoreBatch call, in call order.</summary>
    public ConcurrentQueue<int> BatchSizes { get; } = new();

    /// <summary>Sleep inside each call, to widen the window in which unserialised calls would overlap.</summary>
    public TimeSpan CallDelay { get; set; }

    /// <summary>Runs at the start of each ScoreBatch call with the call's 1-based number (tests throw from it to fail a batch).</summary>
    public Action<int>? OnScoreBatch { get; set; }

    /// <summary>Runs in each PrepareBatch call (tests use it to see where preparation runs relative to forward passes).</summary>
    public Action? OnPrepareBatch { get; set; }

    /// <summary>Runs at the start of SavePayload (tests use it to fail or cancel a save midway).</summary>
    public Action? OnSavePayload { get; set; }

    public bool Disposed { get; private set; }

    /// <summary>Random weights from a seed.</summary>
    public static FakeTextScorer Random(int outputSize, int seed)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, outputSize)
            .Select(_ => Enumerable.Range(0, HashedFeatures.Size).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray()).ToArray();
        var bias = Enumerable.Range(0, outputSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        return new FakeTextScorer(weights, bias);
    }

    public float[] Score(string text, string? pair)
    {
        var features = HashedFeatures.Of(text, pair);
        var outputs = new float[OutputSize];
        for (int o = 0; o < outputs.Length; o++)
        {
            double sum = _bias[o];
            for (int i = 0; i < features.Length; i++)
                sum += _weights[o][i] * features[i];
            outputs[o] = (float)sum;
        }
        return outputs;
    }

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        if (Interlocked.Increment(ref _active) != 1)
            throw new InvalidOperationException("ScoreBatch was entered by two threads at once.");
        try
        {
            BatchSizes.Enqueue(texts.Count);
            OnScoreBatch?.Invoke(BatchSizes.Count);
            if (CallDelay > TimeSpan.Zero)
                Thread.Sleep(CallDelay);
            return texts.Select((t, i) => Score(t, pairs?[i])).ToArray();
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>The preparation step (a real model tokenizes here); called outside the model's lock.</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        OnPrepareBatch?.Invoke();
        return null;
    }

    public void SavePayload(string folder)
    {
        OnSavePayload?.Invoke();
        var json = JsonSerializer.Serialize(new Payload(_weights, _bias));
        File.WriteAllText(Path.Combine(folder, FileName), json);
        // A second file in a subfolder, as real payloads have (tokenizer/…), to exercise nested entries.
        Directory.CreateDirectory(Path.Combine(folder, "tokenizer"));
        File.WriteAllText(Path.Combine(folder, "tokenizer", "vocab.txt"), "[PAD]\n[CLS]\n[SEP]\n");
    }

    public void Dispose() => Disposed = true;

    internal sealed record Payload(float[][] Weights, float[] Bias);
}
