using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>
/// Writes pickles opcode by opcode, as Python's pickle protocol 2 encodes them, to build test files without torch.
/// </summary>
internal sealed class PickleBuilder
{
    private readonly MemoryStream _bytes = new();

    public PickleBuilder Op(byte op) { _bytes.WriteByte(op); return this; }
    public PickleBuilder Proto(byte version) => Op(0x80).Op(version);
    public PickleBuilder Global(string module, string name) => Raw(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));
    public PickleBuilder Mark() => Op((byte)'(');
    public PickleBuilder Tuple() => Op((byte)'t');
    public PickleBuilder EmptyTuple() => Op((byte)')');
    public PickleBuilder EmptyDict() => Op((byte)'}');
    public PickleBuilder EmptyList() => Op((byte)']');
    public PickleBuilder Reduce() => Op((byte)'R');
    public PickleBuilder Build() => Op((byte)'b');
    public PickleBuilder SetItem() => Op((byte)'s');
    public PickleBuilder SetItems() => Op((byte)'u');
    public PickleBuilder BinPersId() => Op((byte)'Q');
    public PickleBuilder False() => Op(0x89);
    public PickleBuilder Stop() => Op((byte)'.');

    public PickleBuilder String(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Op((byte)'X').Raw(length).Raw(utf8);
    }

    public PickleBuilder Int(long value)
    {
        if (value is >= 0 and < 256) return Op((byte)'K').Op((byte)value);
        if (value is >= 0 and < 65536) return Op((byte)'M').Op((byte)value).Op((byte)(value >> 8));
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
            return Op((byte)'J').Raw(b);
        }
        var l = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(l, value);
        return Op(0x8a).Op(8).Raw(l);
    }

    public PickleBuilder IntTuple(long[] values)
    {
        Mark();
        foreach (var v in values) Int(v);
        return Tuple();
    }

    public PickleBuilder Raw(byte[] bytes) { _bytes.Write(bytes); return this; }

    public byte[] ToArray() => _bytes.ToArray();
}

/// <summary>
/// Builds a file in the zip layout <c>torch.save</c> writes: <c>&lt;name&gt;/data.pkl</c>, <c>&lt;name&gt;/byteorder</c>,
/// <c>&lt;name&gt;/data/&lt;key&gt;</c> per storage and <c>&lt;name&gt;/version</c>. The pickle follows torch's own:
/// an OrderedDict of <c>_rebuild_tensor_v2(persistent storage id, offset, size, stride, False, OrderedDict())</c>,
/// then <c>_metadata</c> attached with BUILD.
/// </summary>
internal sealed class TorchSaveArchive
{
    public sealed record Storage(string Key, string TypeName, long ElementCount, byte[] Bytes);

    public sealed record View(string Name, string StorageKey, long Offset, long[] Size, long[] Stride);

    public string ArchiveName { get; set; } = "archive";
    public string? ByteOrder { get; set; } = "little";
    public List<Storage> Storages { get; } = [];
    public List<View> Views { get; } = [];

    /// <summary>Replaces the generated pickle.</summary>
    public byte[]? Pickle { get; set; }

    /// <summary>Storage keys whose data/ entry is left out of the archive.</summary>
    public HashSet<string> OmittedStorages { get; } = [];

    public CompressionLevel StorageCompression { get; set; } = CompressionLevel.NoCompression;

    public TorchSaveArchive Add(string name, string typeName, byte[] bytes, int elementSize, long[] size)
    {
        string key = Storages.Count.ToString();
        Storages.Add(new Storage(key, typeName, bytes.Length / elementSize, bytes));
        var stride = new long[size.Length];
        long s = 1;
        for (int i = size.Length - 1; i >= 0; i--) { stride[i] = s; s *= size[i]; }
        Views.Add(new View(name, key, 0, size, stride));
        return this;
    }

    public byte[] BuildPickle()
    {
        var p = new PickleBuilder().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();
        foreach (var view in Views)
        {
            var storage = Storages.Single(s => s.Key == view.StorageKey);
            p.String(view.Name).Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().String("storage").Global("torch", storage.TypeName).String(storage.Key).String("cpu").Int(storage.ElementCount).Tuple().BinPersId()
                .Int(view.Offset).IntTuple(view.Size).IntTuple(view.Stride).False()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce();
        }
        p.SetItems();
        p.EmptyDict().String("_metadata").Global("collections", "OrderedDict").EmptyTuple().Reduce().SetItem().Build();
        return p.Stop().ToArray();
    }

    /// <summary>Breaks the signature of an entry's local header, so the directory lists it but it cannot be opened.</summary>
    public static void CorruptLocalHeader(byte[] zip, string entryName)
    {
        int name = zip.AsSpan().IndexOf(Encoding.ASCII.GetBytes(entryName));  // the local header's copy comes first
        Assert.IsTrue(name >= 30, $"entry {entryName} not found");
        zip[name - 30] = (byte)'X';
    }

    /// <summary>Makes the central directory claim <paramref name="size"/> bytes (compressed and not) for an entry.</summary>
    public static void SetCentralDirectorySizes(byte[] zip, string entryName, uint size)
    {
        var nameBytes = Encoding.ASCII.GetBytes(entryName);
        int local = zip.AsSpan().IndexOf(nameBytes);
        int central = local + 1 + zip.AsSpan(local + 1).IndexOf(nameBytes);
        Assert.IsTrue(central > local && central >= 46, $"central directory entry of {entryName} not found");
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(central - 46 + 20), size);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(central - 46 + 24), size);
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] bytes, CompressionLevel level = CompressionLevel.NoCompression)
            {
                using var s = zip.CreateEntry($"{ArchiveName}/{name}", level).Open();
                s.Write(bytes);
            }
            Add("data.pkl", Pickle ?? BuildPickle());
            if (ByteOrder is not null) Add("byteorder", Encoding.ASCII.GetBytes(ByteOrder));
            foreach (var storage in Storages.Where(s => !OmittedStorages.Contains(s.Key)))
                Add($"data/{storage.Key}", storage.Bytes, StorageCompression);
            Add("version", Encoding.ASCII.GetBytes("3\n"));
        }
        return buffer.ToArray();
    }
}
