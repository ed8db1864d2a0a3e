using System.Buffers.Binary;
using System.Text;
using Microsoft.ML.Deberta.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>
/// A checkpoint that claims a 10^12-element tensor or a string far longer than its data is refused by the checks
/// on the claim, before anything of the claimed size is allocated.
/// </summary>
[TestClass]
public sealed class UntrustedSizeClaimTests
{
    [TestMethod]
    [DataRow("""{"big":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,4000000000000]}}""", "'big' ends at byte 4000000000000", DisplayName = "offsets claim the 4 TB")]
    [DataRow("""{"big":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,16]}}""", "need 4000000000000", DisplayName = "offsets claim 16 bytes")]
    [DataRow("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"big":{"dtype":"BF16","shape":[1000000000000],"data_offsets":[16,2000000000016]}}""", "'big' ends at byte 2000000000016", DisplayName = "a real tensor, then 10^12 elements")]
    public void ASafetensorsHeaderDeclaringATrillionElementsIsRefused(string header, string expected) =>
        SafeTensorsFileTests.AssertRejected(SafeTensorsFileTests.File(header, new byte[16]), expected);

    [TestMethod]
    [DataRow(1_000_000_000_000L, new[] { 1_000_000_000_000L }, new[] { 1L }, "the pickle declares 1000000000000", DisplayName = "storage of 10^12 elements")]
    [DataRow(4L, new[] { 1_000_000_000_000L }, new[] { 1L }, "reaches storage element 1000000000000", DisplayName = "tensor of 10^12 elements in a storage of 4")]
    [DataRow(4L, new[] { 1_000_000_000_000L }, new[] { 0L }, "can describe", DisplayName = "stride-0 view of 10^12 elements")]
    public void APickleDeclaringATrillionElementsIsRefused(long storageElements, long[] size, long[] stride, string expected)
    {
        var archive = PyTorchBinFileTests.OneTensor(4);
        archive.Storages[0] = archive.Storages[0] with { ElementCount = storageElements };
        archive.Views[0] = new("w", "0", 0, size, stride);
        PyTorchBinFileTests.AssertRejected(archive.ToBytes(), expected);
    }

    [TestMethod]
    [DataRow((byte)'X', 4, uint.MaxValue, DisplayName = "BINUNICODE of 4 GB")]
    [DataRow((byte)0x8d, 8, 1_000_000_000_000UL, DisplayName = "BINUNICODE8 of 1 TB")]
    [DataRow((byte)0x8d, 8, ulong.MaxValue, DisplayName = "BINUNICODE8 of 2^64-1")]
    [DataRow((byte)0x8c, 1, 255UL, DisplayName = "SHORT_BINUNICODE of 255 bytes")]
    [DataRow((byte)'T', 4, uint.MaxValue, DisplayName = "BINSTRING of 4 GB")]
    [DataRow((byte)'U', 1, 255UL, DisplayName = "SHORT_BINSTRING of 255 bytes")]
    public void AStringLongerThanThePickleIsRefusedWithoutAllocatingIt(byte opcode, int lengthBytes, ulong length)
    {
        var lengthField = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthField, length);
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Op(opcode).Raw(lengthField[..lengthBytes]).Raw(Encoding.ASCII.GetBytes("only a few bytes")).Stop().ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => StateDictUnpickler.Read(pickle, "'data.pkl'"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        StringAssert.Contains(e.Message, "'data.pkl' is truncated");
        // The exception and its message take a few kB; the claim would take at least 255 bytes more than the pickle has.
        Assert.IsTrue(allocated < 64 << 10, $"refusing the string allocated {allocated} bytes");
    }

    [TestMethod]
    public void APickleEntryClaimingMoreThanTheFileIsRefusedWithoutAllocatingTheClaim()
    {
        // The zip directory says data.pkl holds 200 MB (under the 256 MiB limit); the file is a few hundred bytes.
        const uint claimed = 200_000_000;
        var bytes = PyTorchBinFileTests.OneTensor(4).ToBytes();
        TorchSaveArchive.SetCentralDirectorySizes(bytes, "archive/data.pkl", claimed);
        long before = GC.GetAllocatedBytesForCurrentThread();
        PyTorchBinFileTests.AssertRejected(bytes, "data.pkl");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsTrue(allocated < claimed / 10, $"refusing the claim allocated {allocated} bytes");
    }

    [TestMethod]
    public void ANonSeekableStreamsHeaderLengthIsNotAllocatedBeforeItsBytesArrive()
    {
        // 99,000,000 is under the 100 MB header limit; without a length to check it against, only arriving bytes count.
        const ulong claimed = 99_000_000;
        var bytes = SafeTensorsFileTests.File("{}", new byte[16], claimed);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFile.Read(new SafeTensorsFileTests.CountingStream(bytes, seekable: false), "stream"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        StringAssert.Contains(e.Message, "truncated inside its safetensors header");
        Assert.IsTrue(allocated < (long)claimed / 10, $"refusing the claim allocated {allocated} bytes");
    }
}
