using System.IO.Hashing;
using System.IO.Compression;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Zip plumbing for <c>DebertaModelIO</c>: copying ML.NET's entries, adding and extracting payload folders.</summary>
internal static class PayloadArchive
{
    /// <summary>Copies every entry of <paramref name="sourceZip"/> (ML.NET's model) into <paramref name="destination"/>, names unchanged.</summary>
    public static void CopyEntries(string sourceZip, ZipArchive destination)
    {
        using var source = ZipFile.OpenRead(sourceZip);
        foreach (var entry in source.Entries)
        {
            using var from = entry.Open();
            using var to = destination.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open();
            from.CopyTo(to);
        }
    }

    /// <summary>Adds every file under <paramref name="folder"/> as <paramref name="entryPrefix"/> + its relative path ('/'-separated).</summary>
    public static void AddFolder(ZipArchive zip, string folder, string entryPrefix)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            // Weights hardly compress; storing them keeps save and load fast.
            var level = file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
                ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
            zip.CreateEntryFromFile(file, entryPrefix + relative, level);
        }
    }

    /// <summary>An entry's name with '/' separators (ML.NET writes '\\' on Windows).</summary>
    public static string NameOf(ZipArchiveEntry entry) => entry.FullName.Replace('\\', '/');

    /// <summary>
    /// Extracts the entries under <paramref name="prefix"/> into <paramref name="folder"/>. Before writing anything it
    /// refuses a prefix with no entries, entries that would land outside the folder, a name that repeats, and payloads
    /// over <paramref name="limits"/> (count, size per entry and in all, expansion); while writing, an entry that
    /// inflates past the size its header declares.
    /// </summary>
    public static void ExtractFolder(ZipArchive zip, string prefix, string folder, string where, PayloadLimits limits)
    {
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var entries = new List<(ZipArchiveEntry Entry, string Name, string Target)>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase); // one file per name on any file system
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            var name = NameOf(entry);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.EndsWith('/'))
                continue;
            var target = Path.GetFullPath(Path.Combine(root, name[prefix.Length..]));
            if (!target.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidDataException($"{where}: entry '{name}' points outside its folder.");
            if (!names.Add(name))
                throw new InvalidDataException($"{where}: entry '{name}' appears more than once; the file is corrupt or was altered.");
            CheckSize(entry, name, where, limits);
            total += entry.Length;
            entries.Add((entry, name, target));
        }
        if (entries.Count == 0)
            throw new InvalidDataException($"{where}: the payload folder is missing from the zip.");
        if (entries.Count > limits.MaxEntries)
            throw new InvalidDataException($"{where}: the payload has {entries.Count} files, more than the {limits.MaxEntries} allowed.");
        if (total > limits.MaxTotalBytes)
            throw new InvalidDataException($"{where}: the payload unpacks to {total} bytes, more than the {limits.MaxTotalBytes} bytes allowed.");
        foreach (var (entry, name, target) in entries)
            Extract(entry, name, target, where);
    }

    private static void CheckSize(ZipArchiveEntry entry, string name, string where, PayloadLimits limits)
    {
        if (entry.Length > limits.MaxEntryBytes)
            throw new InvalidDataException($"{where}: entry '{name}' unpacks to {entry.Length} bytes, more than the {limits.MaxEntryBytes} allowed for one file.");
        if (entry.Length > limits.ExpansionCheckedFrom && entry.Length > limits.MaxExpansion * Math.Max(1, entry.CompressedLength))
            throw new InvalidDataException(
                $"{where}: entry '{name}' expands {entry.Length / (double)Math.Max(1, entry.CompressedLength):F0}-fold " +
                $"({entry.CompressedLength} to {entry.Length} bytes), more than model files do (at most {limits.MaxExpansion}); " +
                "the file is corrupt or was crafted to fill the disk.");
    }

    // Copies at most the declared length: a header that understates the content cannot make the file grow past it.
    // .NET stops inflating a deflated entry at its declared length without a word, so the checksum of what was copied
    // tells whether the entry held more (stored entries, the large weights, are caught by the length alone).
    private static void Extract(ZipArchiveEntry entry, string name, string target, string where)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            using var source = entry.Open();
            using var destination = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            var buffer = new byte[81920];
            long left = entry.Length;
            bool deflated = entry.CompressedLength != entry.Length;
            var crc = new Crc32();
            int read;
            while ((read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left + 1))) > 0)
            {
                if (read > left)
                    throw new InvalidDataException($"{where}: entry '{name}' holds more data than the {entry.Length} bytes its header declares.");
                destination.Write(buffer, 0, read);
                if (deflated) crc.Append(buffer.AsSpan(0, read));
                left -= read;
            }
            if (deflated && crc.GetCurrentHashAsUInt32() != entry.Crc32)
                throw new InvalidDataException(
                    $"{where}: entry '{name}' does not match its checksum: it holds other or more data than the {entry.Length} bytes its header declares.");
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(where, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{where}: entry '{name}' is corrupt: {e.Message}", e);
        }
    }
}
