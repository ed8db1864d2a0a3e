using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>What a <see cref="IDebertaTextTrainer"/> gets besides the data.</summary>
/// <param name="Channel">Log channel that reaches <see cref="MLContext.Log"/>; use <c>Info(MessageSensitivity.None, …)</c>.</param>
/// <param name="Seed">Seed for every random choice (initialisation, shuffling, dropout); same seed, same model.</param>
/// <param name="CancellationToken">Checked between steps; cancellation must leave no partial files.</param>
internal sealed record TextTrainingContext(IChannel Channel, int Seed, CancellationToken CancellationToken);
