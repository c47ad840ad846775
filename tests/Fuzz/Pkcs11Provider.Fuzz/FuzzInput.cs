namespace CodeSigning.Pkcs11.Fuzz;

/// <summary>Reads the fuzzer's bytes front to back; past the end every read gives zeros or nothing.</summary>
internal sealed class FuzzInput(byte[] data)
{
    private int position;

    public byte Byte() => position < data.Length ? data[position++] : (byte)0;

    public ulong ULong()
    {
        ulong value = 0;
        for (var i = 0; i < 8; i++)
        {
            value = (value << 8) | Byte();
        }

        return value;
    }

    /// <summary>The next <paramref name="count"/> bytes, fewer at the end of the input.</summary>
    public byte[] Bytes(int count)
    {
        var taken = data.AsSpan(Math.Min(position, data.Length), Math.Min(count, Math.Max(0, data.Length - position))).ToArray();
        position += taken.Length;
        return taken;
    }
}
