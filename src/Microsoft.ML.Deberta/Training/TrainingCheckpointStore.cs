using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// A folder of fine-tuning checkpoints, each a sub-folder <c>checkpoint-NNNNNN</c> with <c>state.json</c>
/// (<see cref="FineTuningRunState"/>) and <c>tensors.bin</c> (weights, AdamW state, dropout generator state, best-epoch
/// weights). A checkpoint is written into a hidden temporary folder, every file flushed to disk, then renamed into
/// place, so a run killed while writing leaves the previous checkpoint as the latest; older ones are then deleted.
/// </summary>
/// <remarks>A damaged latest checkpoint (its tensor file's length or SHA-256 differs from state.json) is refused with
/// a message naming it, rather than silently falling back: only the latest is kept.</remarks>
internal sealed class TrainingCheckpointStore(string folder, FineTuningRunIdentity identity)
{
    private const string Prefix = "checkpoint-";
    private const string PartialPrefix = ".partial-checkpoint-";
    private const string StateFile = "state.json";
    private const string TensorFile = "tensors.bin";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>A checkpoint read back: the run's position and bookkeeping, its best-epoch weights, and its folder.</summary>
    public sealed record Resumed(FineTuningRunState State, ParameterSnapshot? Best, string Path);

    /// <summary>
    /// Restores the latest checkpoint into the model, the optimizer and the dropout generator; null when the folder has
    /// none (a fresh run).
    /// </summary>
    /// <exception cref="ArgumentException">The checkpoint belongs to a run with other settings, data size or model.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is damaged.</exception>
    public Resumed? TryResume(nn.Module model, FineTuningOptimizer optimizer, Generator dropoutGenerator)
    {
        var latest = Latest();
        if (latest is null)
            return null;
        var state = ReadState(latest);
        if (state.Run is null || state.FormatVersion != FineTuningRunState.CurrentFormat)
            throw Damaged(latest, $"its format ({state.FormatVersion}) is not this version's ({FineTuningRunState.CurrentFormat})");
        var differences = state.Run.DifferencesFrom(identity).ToList();
        if (differences.Count > 0)
            throw new ArgumentException(
                $"The checkpoint folder '{folder}' holds a checkpoint of a different run ({string.Join("; ", differences)}). " +
                "Resume with the same data and settings, or use another (or an empty) CheckpointFolder to start a new run.", "CheckpointFolder");

        var tensorPath = Path.Combine(latest, TensorFile);
        Verify(latest, tensorPath, state);
        try
        {
            // Streamed, not read whole: a large model's checkpoint exceeds an array's 2 GB.
            using var reader = new BinaryReader(new BufferedStream(File.OpenRead(tensorPath), 1 << 20));
            ParameterSnapshot.ReadParameters(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList(), reader);
            optimizer.RestoreState(reader, state.StepsDone);
            using (var generatorState = TensorExtensionMethods.Load(reader))
                dropoutGenerator.set_state(generatorState);
            var best = reader.ReadBoolean() ? ParameterSnapshot.Read(reader, model) : null;
            return new Resumed(state, best, latest);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or ExternalException)
        {
            throw Damaged(latest, $"{TensorFile} does not fit the model ({e.Message})");
        }
    }

    /// <summary>Writes a checkpoint of the run as it stands (atomically) and deletes the older ones.</summary>
    /// <returns>The checkpoint's folder.</returns>
    public string Write(FineTuningRunState state, nn.Module model, FineTuningOptimizer optimizer, Generator dropoutGenerator, ParameterSnapshot? best)
    {
        Directory.CreateDirectory(folder);
        state.Sequence++;
        state.Run = identity;
        string name = Prefix + state.Sequence.ToString("D6", CultureInfo.InvariantCulture);
        var partial = Path.Combine(folder, PartialPrefix + state.Sequence.ToString("D6", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(partial);

        using (var file = new FileStream(Path.Combine(partial, TensorFile), FileMode.CreateNew, FileAccess.Write))
        {
            using var sha = SHA256.Create();
            using (var hashing = new CryptoStream(file, sha, CryptoStreamMode.Write, leaveOpen: true))
            using (var writer = new BinaryWriter(hashing))
            {
                ParameterSnapshot.WriteParameters(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), writer);
                optimizer.WriteState(writer);
                using (var generatorState = dropoutGenerator.get_state())
                    generatorState.Save(writer);
                writer.Write(best is not null);
                best?.Write(writer);
            }
            file.Flush(flushToDisk: true);
            state.TensorBytes = file.Length;
            state.TensorSha256 = Convert.ToHexStringLower(sha.Hash!);
        }
        using (var file = new FileStream(Path.Combine(partial, StateFile), FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(file, state, Json);
            file.Flush(flushToDisk: true);
        }
        var final = Path.Combine(folder, name);
        Directory.Move(partial, final);
        DirectorySync.Flush(folder);
        foreach (var old in Directory.EnumerateDirectories(folder))
        {
            var oldName = Path.GetFileName(old);
            if (oldName != name && (oldName.StartsWith(PartialPrefix, StringComparison.Ordinal) || SequenceOf(oldName) is not null))
                Directory.Delete(old, recursive: true);
        }
        return final;
    }

    private string? Latest()
    {
        if (!Directory.Exists(folder))
            return null;
        return Directory.EnumerateDirectories(folder)
            .Select(d => (Path: d, Sequence: SequenceOf(Path.GetFileName(d))))
            .Where(d => d.Sequence is not null)
            .OrderByDescending(d => d.Sequence)
            .Select(d => d.Path)
            .FirstOrDefault();
    }

    private static int? SequenceOf(string name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int sequence)
            ? sequence : null;

    private static FineTuningRunState ReadState(string checkpoint)
    {
        var path = Path.Combine(checkpoint, StateFile);
        try
        {
            return JsonSerializer.Deserialize<FineTuningRunState>(File.ReadAllText(path), Json)
                ?? throw Damaged(checkpoint, $"{StateFile} is empty");
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            throw Damaged(checkpoint, $"{StateFile} cannot be read ({e.Message})");
        }
    }

    private static void Verify(string checkpoint, string tensorPath, FineTuningRunState state)
    {
        string sha256;
        long length;
        try
        {
            using var file = File.OpenRead(tensorPath);
            length = file.Length;
            sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        }
        catch (IOException e)
        {
            throw Damaged(checkpoint, $"{TensorFile} cannot be read ({e.Message})");
        }
        if (length != state.TensorBytes)
            throw Damaged(checkpoint, $"{TensorFile} has {length} bytes where {StateFile} records {state.TensorBytes}");
        if (sha256 != state.TensorSha256)
            throw Damaged(checkpoint, $"the SHA-256 of {TensorFile} differs from the one {StateFile} records");
    }

    private static InvalidDataException Damaged(string checkpoint, string reason) =>
        new($"The training checkpoint '{checkpoint}' is damaged: {reason}. Delete that folder to resume from scratch " +
            "(or point CheckpointFolder elsewhere); checkpoints are written atomically, so this means the files were changed afterwards.");
}
