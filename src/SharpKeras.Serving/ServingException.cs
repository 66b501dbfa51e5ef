namespace SharpKeras.Serving;

/// <summary>A request the server refuses, with the HTTP status to answer and a message for the client.</summary>
internal sealed class ServingException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
