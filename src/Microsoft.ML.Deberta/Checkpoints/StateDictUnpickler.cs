using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Interprets the <c>data.pkl</c> of a <c>torch.save</c> archive holding a state dict, without executing anything.
/// </summary>
/// <remarks>
/// A pickle is a program for a small stack machine whose <c>GLOBAL</c> instructions import arbitrary Python
/// callables; loading one with Python's <c>pickle</c> runs whatever it names. This reader implements only the
/// instructions a state dict uses and knows a fixed list of globals — <c>collections.OrderedDict</c>,
/// <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c> and the <c>torch.*Storage</c>
/// types — whose effect it reproduces itself. Any other global or instruction is refused with an
/// <see cref="InvalidDataException"/>, so a hostile file can do nothing but fail to load.
/// </remarks>
internal sealed class StateDictUnpickler
{
    private static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    private static readonly HashSet<(string, string)> Callables =
    [
        ("collections", "OrderedDict"),
        ("builtins", "dict"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_parameter"),
        ("torch._utils", "_rebuild_parameter_with_state"),
    ];

    private readonly byte[] _data;
    private readonly string _source;
    private int _position;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];

    private StateDictUnpickler(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>Reads the tensors a state-dict pickle describes, in the order it lists them.</summary>
    /// <param name="pickle">The bytes of <c>data.pkl</c>.</param>
    /// <param name="source">Names the pickle in error messages.</param>
    /// <exception cref="InvalidDataException">The pickle is corrupt, is not a state dict, or names a global outside the allowed list.</exception>
    public static List<PickledTensor> Read(byte[] pickle, string source)
    {
        var result = new StateDictUnpickler(pickle, source).Run();
        if (result is not PickleDict dict)
            throw new InvalidDataException($"{source} does not hold a state dict: its top-level object is {Describe(result)}, not a dict.");
        var tensors = new OrderedDictionary<string, PickledTensor>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name)
                throw new InvalidDataException($"{source} does not hold a state dict: it has a key {Describe(key)} that is not a string.");
            switch (value)
            {
                case PickledTensor tensor:
                    tensors[name] = tensor with { Name = name };  // a repeated key replaces the earlier value, as in Python
                    break;
                case PickleDict:
                    throw new InvalidDataException(
                        $"{source} does not hold a flat state dict: its entry '{name}' is itself a dict (a training checkpoint?). Save model.state_dict() instead.");
                default:
                    tensors.Remove(name);  // plain values (numbers, strings) carry no weights
                    break;
            }
        }
        return [.. tensors.Values];
    }

    private object? Run()
    {
        while (true)
        {
            int at = _position;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                      // PROTO
                case 0x95: ReadBytes(8); break;                                    // FRAME (length hint only)
                case (byte)'.':                                                    // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                        throw Corrupt(at, "STOP with an unbalanced stack");
                    return _stack[0];
                case (byte)'(': _marks.Push(_stack.Count); break;                 // MARK
                case (byte)'}': Push(new PickleDict()); break;                    // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;                 // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break;              // EMPTY_TUPLE
                case (byte)'t': Push(PopToMark(at).ToArray()); break;             // TUPLE
                case 0x85: Push(new[] { Pop(at) }); break;                        // TUPLE1
                case 0x86: { var b = Pop(at); var a = Pop(at); Push(new[] { a, b }); break; }            // TUPLE2
                case 0x87: { var c = Pop(at); var b = Pop(at); var a = Pop(at); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'l': Push(PopToMark(at)); break;                       // LIST
                case (byte)'d': { var d = new PickleDict(); AddPairs(d, PopToMark(at), at); Push(d); break; } // DICT
                case (byte)'a': { var v = Pop(at); PeekAs<List<object?>>(at, "APPEND").Add(v); break; }       // APPEND
                case (byte)'e': { var items = PopToMark(at); PeekAs<List<object?>>(at, "APPENDS").AddRange(items); break; } // APPENDS
                case (byte)'s': { var v = Pop(at); var k = Pop(at); PeekAs<PickleDict>(at, "SETITEM").Items.Add((k, v)); break; } // SETITEM
                case (byte)'u': { var items = PopToMark(at); AddPairs(PeekAs<PickleDict>(at, "SETITEMS"), items, at); break; }   // SETITEMS
                case (byte)'N': Push(null); break;                                // NONE
                case 0x88: Push(true); break;                                     // NEWTRUE
                case 0x89: Push(false); break;                                    // NEWFALSE
                case (byte)'K': Push((long)ReadByte()); break;                    // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;  // BININT
                case 0x8a: Push(ReadLong1(at)); break;                            // LONG1
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;          // BINFLOAT
                case (byte)'X': Push(ReadUtf8(ReadLength(4, at), at)); break;    // BINUNICODE
                case 0x8c: Push(ReadUtf8(ReadByte(), at)); break;                 // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(ReadLength(8, at), at)); break;         // BINUNICODE8
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(4, at)))); break;     // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break;            // SHORT_BINSTRING
                case (byte)'c': Push(Global(ReadLine(at), ReadLine(at), at)); break;                     // GLOBAL
                case 0x93: { var name = Pop(at); var module = Pop(at);            // STACK_GLOBAL
                        if (module is not string m || name is not string n) throw Corrupt(at, "STACK_GLOBAL without two strings");
                        Push(Global(m, n, at)); break; }
                case (byte)'R': { var args = Pop(at); var callable = Pop(at); Push(Reduce(callable, args, at)); break; } // REDUCE
                case (byte)'b': Build(at); break;                                 // BUILD
                case (byte)'Q': Push(PersistentLoad(Pop(at), at)); break;         // BINPERSID
                case (byte)'h': Push(MemoGet(ReadByte(), at)); break;             // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at)); break; // LONG_BINGET
                case (byte)'q': _memo[ReadByte()] = Peek(at); break;              // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(at); break;  // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(at); break;                  // MEMOIZE
                case (byte)'0': Pop(at); break;                                   // POP
                case (byte)'1': PopToMark(at); break;                             // POP_MARK
                case (byte)'2': Push(Peek(at)); break;                            // DUP
                default:
                    throw new InvalidDataException(
                        $"{_source} uses pickle instruction 0x{op:x2} at byte {at}, which a state dict does not need; refusing to interpret it.");
            }
        }
    }

    private object Global(string module, string name, int at)
    {
        if (module == "torch" && StorageTypes.TryGetValue(name, out var dtype))
            return new StorageType(name, dtype);
        if (Callables.Contains((module, name)))
            return new PickleGlobal(module, name);
        throw new InvalidDataException(
            $"{_source} refers to the Python global '{module}.{name}' (byte {at}), which a state dict of tensors never needs. " +
            "Refusing to load it: in Python, unpickling it could run arbitrary code. Only plain state dicts saved with torch.save(model.state_dict()) are supported.");
    }

    private object? Reduce(object? callable, object? args, int at)
    {
        if (args is not object?[] a)
            throw Corrupt(at, "REDUCE whose arguments are not a tuple");
        switch (callable)
        {
            case PickleGlobal { Name: "OrderedDict" or "dict" }:
                var dict = new PickleDict();
                if (a.Length == 1 && a[0] is List<object?> pairs)
                    foreach (var pair in pairs)
                        dict.Items.Add(pair is object?[] { Length: 2 } kv ? (kv[0], kv[1]) : throw Corrupt(at, "a dict built from something other than pairs"));
                else if (a.Length != 0)
                    throw Corrupt(at, "a dict built from unexpected arguments");
                return dict;
            case PickleGlobal { Name: "_rebuild_tensor_v2" }:
                return RebuildTensor(a, at);
            case PickleGlobal { Name: "_rebuild_parameter" or "_rebuild_parameter_with_state" }:
                return a.Length >= 1 && a[0] is PickledTensor t ? t : throw Corrupt(at, "a parameter rebuilt from something other than a tensor");
            default:
                throw Corrupt(at, $"REDUCE applied to {Describe(callable)}");
        }
    }

    // torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private PickledTensor RebuildTensor(object?[] a, int at)
    {
        if (a.Length is not (6 or 7) || a[0] is not StorageReference storage || a[1] is not long offset
            || a[2] is not object?[] size || a[3] is not object?[] stride || size.Length != stride.Length)
            throw Corrupt(at, "_rebuild_tensor_v2 with arguments other than (storage, offset, size, stride, requires_grad, hooks)");
        var sizes = new long[size.Length];
        var strides = new long[size.Length];
        for (int i = 0; i < size.Length; i++)
        {
            if (size[i] is not long s || s < 0 || stride[i] is not long st || st < 0)
                throw Corrupt(at, $"a tensor with size ({string.Join(", ", size)}) and stride ({string.Join(", ", stride)})");
            sizes[i] = s;
            strides[i] = st;
        }
        if (offset < 0)
            throw Corrupt(at, $"a tensor with negative storage offset {offset}");
        return new PickledTensor("", storage.Key, storage.DType, storage.ElementCount, offset, sizes, strides);
    }

    // torch.save replaces each storage with the persistent id ('storage', type, key, location, element count).
    private StorageReference PersistentLoad(object? pid, int at)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not StorageType type
            || t[2] is not string key || t[3] is not string || t[4] is not long count || count < 0)
            throw Corrupt(at, $"a persistent id {Describe(pid)} that is not ('storage', type, key, location, size)");
        return new StorageReference(key, type.DType, count);
    }

    // BUILD sets an object's state; torch.save uses it only to attach the '_metadata' attribute to the OrderedDict.
    private void Build(int at)
    {
        Pop(at);
        if (Peek(at) is not PickleDict)
            throw Corrupt(at, $"BUILD applied to {Describe(Peek(at))}");
    }

    private void AddPairs(PickleDict dict, List<object?> items, int at)
    {
        if (items.Count % 2 != 0) throw Corrupt(at, "an odd number of dict items");
        for (int i = 0; i < items.Count; i += 2) dict.Items.Add((items[i], items[i + 1]));
    }

    private object? MemoGet(long index, int at) =>
        _memo.TryGetValue(index, out var value) ? value : throw Corrupt(at, $"a reference to memo entry {index}, which was never stored");

    private void Push(object? value) => _stack.Add(value);

    private object? Pop(int at)
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks.Peek()))
            throw Corrupt(at, "a pop from an empty stack");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek(int at) => _stack.Count > 0 ? _stack[^1] : throw Corrupt(at, "a read from an empty stack");

    private T PeekAs<T>(int at, string instruction) where T : class =>
        Peek(at) as T ?? throw Corrupt(at, $"{instruction} applied to {Describe(Peek(at))}");

    private List<object?> PopToMark(int at)
    {
        if (_marks.Count == 0) throw Corrupt(at, "a missing MARK");
        int mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte ReadByte()
    {
        if (_position >= _data.Length) throw Truncated();
        return _data[_position++];
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _data.Length - _position) throw Truncated();
        var span = _data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private int ReadLength(int width, int at)
    {
        ulong length = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)) : BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        if (length > (ulong)(_data.Length - _position)) throw Truncated();
        return (int)length;
    }

    private string ReadUtf8(int length, int at)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadBytes(length));
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt(at, "a string that is not valid UTF-8");
        }
    }

    private string ReadLine(int at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0) throw Truncated();
        var line = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return line;
    }

    // LONG1: a little-endian two's-complement integer of n bytes; sizes and offsets fit in 8.
    private long ReadLong1(int at)
    {
        int n = ReadByte();
        if (n > 8) throw Corrupt(at, $"an integer of {n} bytes");
        var bytes = ReadBytes(n);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n);
        return value;
    }

    private InvalidDataException Truncated() => new($"{_source} is truncated: the pickle ends in the middle of an instruction.");

    private InvalidDataException Corrupt(int at, string what) => new($"{_source} is not a valid state-dict pickle: {what} at byte {at}.");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"the string '{s}'",
        long l => $"the number {l}",
        object?[] t => $"a tuple of {t.Length}",
        List<object?> => "a list",
        PickleDict => "a dict",
        PickledTensor => "a tensor",
        PickleGlobal g => $"{g.Module}.{g.Name}",
        StorageType s => $"torch.{s.Name}",
        _ => value.GetType().Name,
    };

    private sealed class PickleDict
    {
        public List<(object? Key, object? Value)> Items { get; } = [];
    }

    private sealed record PickleGlobal(string Module, string Name);

    private sealed record StorageType(string Name, ScalarType DType);

    private sealed record StorageReference(string Key, ScalarType DType, long ElementCount);
}
