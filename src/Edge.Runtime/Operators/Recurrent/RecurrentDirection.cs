namespace Edge.Runtime.Operators.Recurrent;

/// <summary>The <c>direction</c> attribute of the recurrent ops.</summary>
internal enum RecurrentDirection
{
    Forward,
    Reverse,
    Bidirectional,
}
