using System.Net.Http.Headers;
using System.Text;

namespace Shipyard.Telemetry;

/// <summary>
/// Credentials written into a configured URL (<c>https://user:password@host/</c>). HttpClient never sends a URL's user
/// information, so a caller that accepts such a URL sends it as HTTP Basic credentials instead; logs and telemetry see
/// the URL only through <see cref="UrlRedaction"/>.
/// </summary>
public static class UrlCredentials
{
    /// <summary>The <c>Authorization: Basic …</c> header for <paramref name="url"/>'s user information; null when it has none.</summary>
    public static AuthenticationHeaderValue? BasicAuthorization(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.UserInfo.Length == 0)
        {
            return null;
        }

        // UserInfo keeps the percent-encoding of the configured URL (a ':' or '@' in a password is written %3A / %40).
        var parts = url.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(parts[0]);
        var password = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }
}
