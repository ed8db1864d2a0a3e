using System.Text;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>
/// Each pickle instruction family that can reach a Python callable is refused unless it names one of the torch
/// rebuild functions a state dict needs (GLOBAL itself: <see cref="PyTorchBinFileTests.DisallowedGlobalsAreRefused"/>).
/// </summary>
[TestClass]
public sealed class PickleCallableTests
{
    private static InvalidDataException AssertPickleRejected(PickleBuilder pickle, string expected)
    {
        var archive = PyTorchBinFileTests.OneTensor();
        archive.Pickle = pickle.Stop().ToArray();
        return PyTorchBinFileTests.AssertRejected(archive.ToBytes(), expected);
    }

    [TestMethod]
    public void StackGlobalOutsideTheAllowedSetIsRefused()
    {
        // Protocol 4 pushes module and name as strings, then imports with STACK_GLOBAL.
        var e = AssertPickleRejected(new PickleBuilder().Proto(4).String("os").String("system").Op(0x93).String("echo hacked").Op(0x85).Reduce(), "'os.system'");
        StringAssert.Contains(e.Message, "Refusing");
    }

    [TestMethod]
    [DataRow((byte)'i', "ios\nsystem\n", DisplayName = "INST (import and call)")]
    [DataRow((byte)'o', "", DisplayName = "OBJ (call the class below the mark)")]
    [DataRow((byte)0x81, "", DisplayName = "NEWOBJ (cls.__new__)")]
    [DataRow((byte)0x92, "", DisplayName = "NEWOBJ_EX (cls.__new__ with kwargs)")]
    [DataRow((byte)0x82, "\u0001", DisplayName = "EXT1 (copyreg extension registry)")]
    [DataRow((byte)0x83, "\u0001\u0000", DisplayName = "EXT2 (copyreg extension registry)")]
    [DataRow((byte)0x84, "\u0001\u0000\u0000\u0000", DisplayName = "EXT4 (copyreg extension registry)")]
    [DataRow((byte)'P', "0\n", DisplayName = "PERSID (text persistent id)")]
    public void InstructionsThatCreateObjectsAreRefused(byte opcode, string operand)
    {
        // The allowed global comes first, so only the instruction itself can be what is refused.
        var pickle = new PickleBuilder().Proto(4).Mark().Global("collections", "OrderedDict").EmptyTuple()
            .Op(opcode).Raw(Encoding.Latin1.GetBytes(operand));
        AssertPickleRejected(pickle, $"instruction 0x{opcode:x2}");
    }

    [TestMethod]
    public void ReduceOfAnAllowedNameThatIsNotACallableIsRefused()
    {
        // torch.FloatStorage may be named (as a persistent id's type) but is never called.
        AssertPickleRejected(new PickleBuilder().Proto(2).Global("torch", "FloatStorage").EmptyTuple().Reduce(), "REDUCE applied to torch.FloatStorage");
        AssertPickleRejected(new PickleBuilder().Proto(2).String("os.system").EmptyTuple().Reduce(), "REDUCE applied to the string 'os.system'");
    }

    [TestMethod]
    public void BuildOnAnythingButADictIsRefused()
    {
        // In Python BUILD calls the object's __setstate__; torch.save only uses it to attach _metadata to the OrderedDict.
        AssertPickleRejected(new PickleBuilder().Proto(2).EmptyList().EmptyDict().Build(), "BUILD applied to a list");
        AssertPickleRejected(new PickleBuilder().Proto(2).Global("torch", "FloatStorage").EmptyDict().Build(), "BUILD applied to torch.FloatStorage");
    }
}
