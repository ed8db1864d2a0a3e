using System.Text.Json;

namespace Microsoft.ML.Deberta.Samples.WebApi;

/// <summary>
/// Reads a /predict body: <c>{"text": "..."}</c> or <c>{"texts": ["...", ...]}</c>. Every way a body can be wrong is a
/// <see cref="RequestError"/> with the status to answer and a message saying what to send instead.
/// </summary>
internal static class PredictRequest
{
    public static async Task<(string[] Texts, bool Many)> ReadAsync(HttpRequest request, int maxTexts, long maxBodyBytes, CancellationToken cancellationToken)
    {
        // Refused before reading, so that a client that sent "Expect: 100-continue" (curl does for large bodies) never sends it.
        if (request.ContentLength > maxBodyBytes)
            throw TooLarge(maxBodyBytes);
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new RequestError(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type is '{request.ContentType}'; send application/json, e.g. {{\"text\": \"The food was great.\"}}.");
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new RequestError(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limit, for bodies sent without a length.
            throw e.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(maxBodyBytes) : new RequestError(e.StatusCode, e.Message);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Missing();
            if (root.TryGetProperty("text", out var one))
                return ([Text(one, "text")], false);
            if (!root.TryGetProperty("texts", out var many))
                throw Missing();
            if (many.ValueKind != JsonValueKind.Array)
                throw new RequestError(StatusCodes.Status400BadRequest, "\"texts\" must be a list of strings.");
            int count = many.GetArrayLength();
            if (count == 0)
                throw new RequestError(StatusCodes.Status400BadRequest, "\"texts\" is empty; send at least one text.");
            if (count > maxTexts)
                throw new RequestError(StatusCodes.Status413PayloadTooLarge,
                    $"\"texts\" holds {count} texts; the server takes at most {maxTexts} per request: split them.");
            return ([.. many.EnumerateArray().Select((t, i) => Text(t, $"texts[{i}]"))], true);
        }
    }

    private static RequestError TooLarge(long maxBodyBytes) => new(StatusCodes.Status413PayloadTooLarge,
        $"The body is larger than the server's limit ({maxBodyBytes} bytes); send fewer or shorter texts.");

    private static RequestError Missing() => new(StatusCodes.Status400BadRequest,
        "Send a JSON object with \"text\" (a string) or \"texts\" (a list of strings), e.g. {\"texts\": [\"Great food.\", \"Slow service.\"]}.");

    private static string Text(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.String)
            throw new RequestError(StatusCodes.Status400BadRequest, $"{where} must be a string, not {element.ValueKind}.");
        var text = element.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
            throw new RequestError(StatusCodes.Status400BadRequest, $"{where} is empty; send some text.");
        return text;
    }
}

/// <summary>A request the server refuses: the HTTP status and what to send instead.</summary>
internal sealed class RequestError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
