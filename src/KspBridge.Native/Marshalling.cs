using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace CodeSigning.Ksp.Native;

/// <summary>Arguments in and results out, with CNG's rules for NULL pointers and output sizes.</summary>
internal static unsafe class Marshalling
{
    /// <summary>Buffers handed to the caller (key names, enumeration states) until NCryptFreeBuffer.</summary>
    private static readonly ConcurrentDictionary<nint, byte> Allocations = new();

    /// <summary>A caller's LPCWSTR; NULL is NTE_INVALID_PARAMETER.</summary>
    public static string Text(char* value, string argument) =>
        value is null ? throw new KspException(NTE_INVALID_PARAMETER, $"{argument} is NULL") : new string(value);

    public static void Required(void* pointer, string argument)
    {
        if (pointer is null)
        {
            throw new KspException(NTE_INVALID_PARAMETER, $"{argument} is NULL");
        }
    }

    /// <summary>
    /// CNG's output rule: *pcbResult always gets the size; with pbOutput NULL that is all (a size
    /// query), with too small a buffer the answer is NTE_BUFFER_TOO_SMALL and nothing is written.
    /// </summary>
    public static SECURITY_STATUS Write(ReadOnlySpan<byte> value, byte* output, DWORD capacity, DWORD* result)
    {
        *result = (DWORD)value.Length;
        if (output is null)
        {
            return ERROR_SUCCESS;
        }

        if (capacity < value.Length)
        {
            return NTE_BUFFER_TOO_SMALL;
        }

        value.CopyTo(new Span<byte>(output, value.Length));
        return ERROR_SUCCESS;
    }

    public static void* Allocate(int size)
    {
        var block = NativeMemory.AllocZeroed((nuint)size);
        Allocations[(nint)block] = 0;
        return block;
    }

    /// <summary>Frees a buffer this provider handed out; false for any other pointer.</summary>
    public static bool Free(void* block)
    {
        if (!Allocations.TryRemove((nint)block, out _))
        {
            return false;
        }

        NativeMemory.Free(block);
        return true;
    }
}
