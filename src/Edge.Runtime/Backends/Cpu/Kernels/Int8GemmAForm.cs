namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>How a variant wants A's rows before its kernel streams them.</summary>
internal enum Int8GemmAForm
{
    /// <summary>int16, A's own values.</summary>
    Int16,
    /// <summary>uint8: int8 A flipped by XOR 0x80 (the u8 side of vpdpbusd).</summary>
    UInt8,
    /// <summary>int8: uint8 A flipped by XOR 0x80 (sdot takes s8 on both sides).</summary>
    SInt8,
}
