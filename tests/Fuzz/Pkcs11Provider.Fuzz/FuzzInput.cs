namespace CodeSigning.Pkcs11.Fuzz;

/// <summary>Reads the fuzzer's bytes front to back; past the end every read gives zeros or nothing.</summary>
internal sealed class FuzzInput(byte[] data)
{
    private int _position;

    public byte Byte() => _position < data.Length ? data[_position++] : (byte)0;

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
        var taken = data.AsSpan(Math.Min(_position, data.Length), Math.Min(count, Math.Max(0, data.Length - _position))).ToArray();
        _position += taken.Length;
        return taken;
    }
}
