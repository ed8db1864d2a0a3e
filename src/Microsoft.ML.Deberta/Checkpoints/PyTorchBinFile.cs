using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Reads a <c>pytorch_model.bin</c> state dict in the zip format <c>torch.save</c> writes (torch 1.6 and later):
/// a <c>data.pkl</c> pickle describing each tensor as a strided view of a storage, and one <c>data/&lt;key&gt;</c>
/// file of raw little-endian bytes per storage.
/// </summary>
/// <remarks>
/// The pickle is interpreted by a reader that knows only what state dicts use and never executes code, so a file
/// naming any other Python global is refused. Everything the pickle claims — storages present, their sizes, every
/// tensor's offset, shape and strides inside its storage — is checked before any tensor data is read. Storages must be
/// stored uncompressed, as <c>torch.save</c> writes them, so their sizes are bounded by the file's real length; and
/// what the tensors add up to is bounded by it too (a stride-0 view may repeat an element, as the <c>position_ids</c> of
/// older checkpoints do, but not into more bytes than the file could plausibly describe).
/// </remarks>
internal static class PyTorchBinFile
{
    // Tied weights (the MLM decoder over the word embeddings) make the tensors add up to more than the file holds,
    // at most about twice; four times the file leaves room for that and stops a view repeating one element 2^40 times.
    private const long MaxTensorBytesPerFileByte = 4;

    /// <summary>Reads every tensor of a <c>torch.save</c> state dict, in the dtype it is stored in.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>
    /// Tensors by state-dict key, on the CPU, contiguous. Tensors that shared a storage in the file (tied weights)
    /// come back as separate copies. The caller owns them.
    /// </returns>
    /// <param name="maxPickleBytes">The largest <c>data.pkl</c> accepted (<see cref="CheckpointFileLimits.DefaultMaxPickleBytes"/> when null).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a zip-format <c>torch.save</c> archive, is truncated or corrupt, holds something other than a
    /// state dict of tensors, or names a Python global outside the small set a state dict needs.
    /// </exception>
    public static Dictionary<string, Tensor> Read(string path, long? maxPickleBytes = null)
    {
        using var archive = OpenArchive(path, out long fileLength);
        var (prefix, tensors) = ReadPickle(archive, path, maxPickleBytes);
        var storages = CheckStorages(archive, prefix, tensors, path, fileLength);
        var result = new Dictionary<string, Tensor>(tensors.Count, StringComparer.Ordinal);
        try
        {
            foreach (var (entry, views) in storages)
                Materialize(entry, views, path, result);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Reads only the state-dict keys of a file (its pickle), checked against the archive's storages.</summary>
    internal static IReadOnlyList<string> ReadKeys(string path, long? maxPickleBytes = null)
    {
        using var archive = OpenArchive(path, out long fileLength);
        var (prefix, tensors) = ReadPickle(archive, path, maxPickleBytes);
        CheckStorages(archive, prefix, tensors, path, fileLength);
        return [.. tensors.Select(t => t.Name)];
    }

    private static ZipArchive OpenArchive(string path, out long fileLength)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"PyTorch checkpoint '{path}' does not exist.", path);
        var stream = File.OpenRead(path);
        fileLength = stream.Length;
        try
        {
            Span<byte> magic = stackalloc byte[4];
            int n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            if (n < 4 || magic[0] != (byte)'P' || magic[1] != (byte)'K' || magic[2] != 3 || magic[3] != 4)
            {
                // Before torch 1.6, torch.save wrote a bare sequence of pickles starting with a magic number.
                bool legacy = n >= 3 && magic[0] == 0x80 && magic[2] == 0x8a;
                throw new InvalidDataException(legacy
                    ? $"'{path}' was written in the legacy torch.save format (before torch 1.6), which is not supported. Re-save it with a current torch, or convert it to model.safetensors."
                    : $"'{path}' is not a PyTorch checkpoint: it is not the zip archive torch.save writes.");
            }
            stream.Position = 0;
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            stream.Dispose();
            throw new InvalidDataException($"'{path}' is a corrupt or truncated zip archive: {e.Message}", e);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static (string Prefix, List<PickledTensor> Tensors) ReadPickle(ZipArchive archive, string path, long? maxPickleBytes)
    {
        // Like torch's own reader: the archive's files live in one folder, named after the first entry's.
        var first = archive.Entries.FirstOrDefault()
            ?? throw new InvalidDataException($"'{path}' is an empty zip archive, not a PyTorch checkpoint.");
        int slash = first.FullName.IndexOf('/');
        if (slash <= 0)
            throw new InvalidDataException($"'{path}' is not a torch.save archive: its first entry '{first.FullName}' is not inside a folder.");
        string prefix = first.FullName[..(slash + 1)];

        var byteOrder = archive.GetEntry(prefix + "byteorder");
        if (byteOrder is not null)
        {
            var order = Encoding.ASCII.GetString(ReadEntry(byteOrder, 64, path)).Trim();
            if (order != "little")
                throw new InvalidDataException($"'{path}' stores its tensors in '{order}' byte order; only little-endian checkpoints are supported.");
        }
        var pickle = archive.GetEntry(prefix + "data.pkl")
            ?? throw new InvalidDataException($"'{path}' is not a torch.save archive: it has no '{prefix}data.pkl'.");
        var bytes = ReadEntry(pickle, maxPickleBytes ?? CheckpointFileLimits.DefaultMaxPickleBytes, path,
            $"{nameof(CheckpointLoadOptions)}.{nameof(CheckpointLoadOptions.MaxPickleBytes)}");
        var tensors = StateDictUnpickler.Read(bytes, $"'{path}' ({pickle.FullName})");
        return (prefix, tensors);
    }

    // Checks every storage the pickle refers to against the archive, and every tensor against its storage.
    private static List<(ZipArchiveEntry Entry, List<PickledTensor> Views)> CheckStorages(
        ZipArchive archive, string prefix, List<PickledTensor> tensors, string path, long fileLength)
    {
        var result = new List<(ZipArchiveEntry, List<PickledTensor>)>();
        long storageBytes = 0, tensorBytes = 0;
        foreach (var group in tensors.GroupBy(t => t.StorageKey, StringComparer.Ordinal))
        {
            var views = group.ToList();
            var storage = views[0];
            string entryName = prefix + "data/" + storage.StorageKey;
            if (views.Any(v => v.DType != storage.DType || v.StorageElementCount != storage.StorageElementCount))
                throw new InvalidDataException(
                    $"'{path}' describes storage '{storage.StorageKey}' inconsistently (tensors '{storage.Name}' and '{views.First(v => v.DType != storage.DType || v.StorageElementCount != storage.StorageElementCount).Name}').");
            var entry = archive.GetEntry(entryName)
                ?? throw new InvalidDataException($"'{path}' is missing '{entryName}', the storage of tensor '{storage.Name}'.");
            // The zip's sizes are written by the file's author: only a stored entry's size is bounded by the real file.
            if (entry.CompressedLength != entry.Length)
                throw new InvalidDataException(
                    $"'{path}': storage '{entryName}' of tensor '{storage.Name}' is compressed ({entry.CompressedLength} bytes for {entry.Length}); " +
                    "torch.save stores tensor data uncompressed. Re-save the checkpoint with torch.save or save_pretrained.");
            storageBytes += entry.Length;
            if (storageBytes > fileLength)
                throw new InvalidDataException(
                    $"'{path}': its storages claim {storageBytes} bytes by '{entryName}' (tensor '{storage.Name}'), more than the whole file's {fileLength} bytes.");
            long elementSize = storage.DType.ElementSize();
            long expected = storage.StorageElementCount > long.MaxValue / elementSize ? -1 : storage.StorageElementCount * elementSize;
            if (entry.Length != expected)
                throw new InvalidDataException(
                    $"'{path}': storage '{entryName}' of tensor '{storage.Name}' holds {entry.Length} bytes, but the pickle declares {storage.StorageElementCount} {storage.DType} elements ({expected} bytes).");
            foreach (var view in views)
            {
                long extent;
                try
                {
                    extent = view.StorageExtent();
                    _ = view.ElementCount;
                }
                catch (OverflowException)
                {
                    extent = long.MaxValue;
                }
                if (extent > storage.StorageElementCount)
                    throw new InvalidDataException(
                        $"'{path}': tensor '{view.Name}' (offset {view.StorageOffset}, size [{string.Join(", ", view.Size)}], stride [{string.Join(", ", view.Stride)}]) " +
                        $"reaches storage element {extent}, but its storage '{entryName}' holds only {storage.StorageElementCount}.");
                // The extent check passed, so the element count fits in a long; a stride-0 view can still be enormous.
                long bytes = view.ElementCount > long.MaxValue / elementSize ? long.MaxValue : view.ElementCount * elementSize;
                tensorBytes = bytes > long.MaxValue - tensorBytes ? long.MaxValue : tensorBytes + bytes;
                if (bytes > fileLength || tensorBytes / MaxTensorBytesPerFileByte > fileLength)
                    throw new InvalidDataException(
                        $"'{path}': tensor '{view.Name}' (size [{string.Join(", ", view.Size)}], stride [{string.Join(", ", view.Stride)}]) " +
                        $"would take {bytes} bytes, and the tensors so far {tensorBytes}: more than a {fileLength}-byte file can describe.");
            }
            result.Add((entry, views));
        }
        return result;
    }

    private static void Materialize(ZipArchiveEntry entry, List<PickledTensor> views, string path, Dictionary<string, Tensor> result)
    {
        var first = views[0];
        using var storage = torch.empty(first.StorageElementCount, first.DType);
        try
        {
            using var stream = entry.Open();
            RawTensorData.Fill(storage, stream);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is corrupt: storage '{entry.FullName}' cannot be read ({e.Message}).", e);
        }
        foreach (var view in views)
        {
            if (views.Count == 1 && view.StorageOffset == 0 && view.ElementCount == view.StorageElementCount && view.IsRowMajor())
            {
                // The usual case: the tensor is its whole storage. A view keeps the storage alive without a copy.
                result.Add(view.Name, storage.view(view.Size));
            }
            else
            {
                // Tied weights share a storage and slices sit inside a larger one: copy each out, so every returned
                // tensor is contiguous and independent of the others.
                var tensor = torch.empty(view.Size, view.DType);
                result.Add(view.Name, tensor);
                using var strided = storage.as_strided(view.Size, view.Stride, view.StorageOffset);
                tensor.copy_(strided);
            }
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long maxBytes, string path, string? setting = null)
    {
        if (entry.Length > maxBytes)
            throw new InvalidDataException(
                $"'{path}': '{entry.FullName}' is {entry.Length} bytes, more than the limit of {maxBytes} bytes for a checkpoint's {entry.Name}" +
                (setting is null ? "." : $" ({setting})."));
        // The zip directory's sizes are the author's word: the buffer grows with the bytes that really arrive, so a
        // 200 MB claim in a 1 kB file costs no more than the file.
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, 1L << 20));
        try
        {
            using var stream = entry.Open();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0 && buffer.Length + read <= entry.Length)
                buffer.Write(chunk, 0, read);
            if (read > 0 || buffer.Length != entry.Length)
                throw new EndOfStreamException(read > 0
                    ? $"it holds more than the {entry.Length} bytes the zip directory declares"
                    : $"it holds {buffer.Length} bytes where the zip directory declares {entry.Length}");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is corrupt: '{entry.FullName}' cannot be read ({e.Message}).", e);
        }
        return buffer.ToArray();
    }
}
