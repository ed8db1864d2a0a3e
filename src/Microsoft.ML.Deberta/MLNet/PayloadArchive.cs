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
    /// Extracts the entries under <paramref name="prefix"/> into <paramref name="folder"/>; refuses entries that would land
    /// outside it, and a prefix with no entries.
    /// </summary>
    public static void ExtractFolder(ZipArchive zip, string prefix, string folder, string where)
    {
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        int count = 0;
        foreach (var entry in zip.Entries)
        {
            var name = NameOf(entry);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.EndsWith('/'))
                continue;
            var target = Path.GetFullPath(Path.Combine(root, name[prefix.Length..]));
            if (!target.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidDataException($"{where}: entry '{entry.FullName}' points outside its folder.");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                entry.ExtractToFile(target);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{where}: entry '{entry.FullName}' is corrupt: {e.Message}", e);
            }
            count++;
        }
        if (count == 0)
            throw new InvalidDataException($"{where}: the payload folder is missing from the zip.");
    }
}
