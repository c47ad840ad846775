using System.Buffers.Binary;

namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_ULONG as the C headers define it: `unsigned long`, 4 bytes on Windows (LLP64), pointer-sized elsewhere.</summary>
public static class CkUlong
{
    public static readonly int Size = OperatingSystem.IsWindows() ? 4 : IntPtr.Size;

    /// <summary>CK_UNAVAILABLE_INFORMATION.</summary>
    public const ulong CK_UNAVAILABLE_INFORMATION = ulong.MaxValue;

    /// <summary>A CK_ULONG attribute value in the host's byte order and width.</summary>
    public static byte[] Encode(ulong value)
    {
        var bytes = new byte[Size];
        if (Size == 4)
        {
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
            }
        }
        else if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        }

        return bytes;
    }

    /// <summary>A CK_ULONG of exactly <see cref="Size"/> bytes in the host's byte order.</summary>
    public static ulong Decode(ReadOnlySpan<byte> value) => Size == 4
        ? BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(value) : BinaryPrimitives.ReadUInt32BigEndian(value)
        : BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(value) : BinaryPrimitives.ReadUInt64BigEndian(value);
}
