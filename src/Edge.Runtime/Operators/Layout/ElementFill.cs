using System.Runtime.InteropServices;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Fills a byte span with repeats of one element of any size.</summary>
internal static class ElementFill
{
    public static void Fill(Span<byte> destination, ReadOnlySpan<byte> element)
    {
        switch (element.Length)
        {
            case 1: destination.Fill(element[0]); break;
            case 2: MemoryMarshal.Cast<byte, short>(destination).Fill(MemoryMarshal.Read<short>(element)); break;
            case 4: MemoryMarshal.Cast<byte, int>(destination).Fill(MemoryMarshal.Read<int>(element)); break;
            case 8: MemoryMarshal.Cast<byte, long>(destination).Fill(MemoryMarshal.Read<long>(element)); break;
            default:
                for (int offset = 0; offset < destination.Length; offset += element.Length)
                    element.CopyTo(destination[offset..]);
                break;
        }
    }
}
