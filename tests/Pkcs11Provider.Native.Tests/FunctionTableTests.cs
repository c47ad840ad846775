using System.Runtime.CompilerServices;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>The tables a caller dispatches through must hold each function at its specification position.</summary>
[Collection(NativeModuleCollection.Name)]
public sealed unsafe class FunctionTableTests
{
    [Fact]
    public void C_GetFunctionList_returns_the_2_40_table_in_specification_order()
    {
        void* list;
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.GetFunctionList(&list));

        AssertTable(list, 2, 40, SpecFunctionNames.V2Count);
    }

    [Fact]
    public void C_GetFunctionList_rejects_a_null_pointer()
    {
        Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetFunctionList(null));
    }

    [Fact]
    public void C_GetInterface_default_is_the_complete_3_0_table()
    {
        RawCalls.Interface* found;
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.GetInterface(null, null, &found, 0));

        Assert.Equal("PKCS 11", new string((sbyte*)found->Name));
        AssertTable(found->FunctionList, 3, 0, SpecFunctionNames.All.Length);
    }

    [Fact]
    public void C_GetInterface_by_name_and_version_2_40_is_the_C_GetFunctionList_table()
    {
        void* list;
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.GetFunctionList(&list));
        var version = new RawCalls.Version { Major = 2, Minor = 40 };
        RawCalls.Interface* found;

        fixed (byte* name = "PKCS 11\0"u8)
        {
            Assert.Equal((nuint)CKR.CKR_OK, RawCalls.GetInterface(name, &version, &found, 0));
        }

        Assert.Equal((nint)list, (nint)found->FunctionList);
    }

    [Fact]
    public void C_GetInterface_refuses_unknown_names_versions_and_flags()
    {
        RawCalls.Interface* found;
        var version = new RawCalls.Version { Major = 2, Minor = 11 };
        fixed (byte* other = "Vendor\0"u8)
        fixed (byte* name = "PKCS 11\0"u8)
        {
            Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetInterface(other, null, &found, 0));
            Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetInterface(name, &version, &found, 0));
            // CKF_INTERFACE_FORK_SAFE is not claimed.
            Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetInterface(name, null, &found, 1));
            Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetInterface(name, null, null, 0));
        }
    }

    [Fact]
    public void C_GetInterfaceList_follows_the_length_query_convention()
    {
        nuint count = 0;
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.GetInterfaceList(null, &count));
        Assert.Equal((nuint)2, count);

        var interfaces = stackalloc RawCalls.Interface[2];
        count = 1;
        Assert.Equal((nuint)CKR.CKR_BUFFER_TOO_SMALL, RawCalls.GetInterfaceList(interfaces, &count));
        Assert.Equal((nuint)2, count);

        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.GetInterfaceList(interfaces, &count));
        Assert.Equal(3, ((RawCalls.Version*)interfaces[0].FunctionList)->Major);
        Assert.Equal(2, ((RawCalls.Version*)interfaces[1].FunctionList)->Major);
        Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetInterfaceList(interfaces, null));
    }

    private static void AssertTable(void* table, byte major, byte minor, int entries)
    {
        var version = (RawCalls.Version*)table;
        Assert.Equal(major, version->Major);
        Assert.Equal(minor, version->Minor);
        // Natural alignment on Linux/macOS: the pointers start at offset 8.
        var functions = (nint*)((byte*)table + sizeof(nint));
        for (var i = 0; i < entries; i++)
        {
            var name = SpecFunctionNames.All[i];
            Assert.True(functions[i] == NativeModule.Export(name), $"entry {i} is not {name}");
        }
    }
}
