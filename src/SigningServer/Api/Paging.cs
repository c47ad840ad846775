using System.Globalization;
using CodeSigning.Server.Domain;

namespace CodeSigning.Server.Api;

/// <summary>
/// page_size / page_token over a list in a stable order. The token is the position of the next
/// item; page_size 0 returns everything, so a client that never pages still sees every item.
/// </summary>
internal static class Paging
{
    public static (IReadOnlyList<T> Page, string NextPageToken) Page<T>(IReadOnlyList<T> items, int pageSize, string pageToken)
    {
        var start = 0;
        if (pageToken.Length > 0 && (!int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > items.Count))
        {
            throw ServiceException.InvalidArgument("page_token", "page_token is not one this server returned");
        }
        if (pageSize < 0)
        {
            throw ServiceException.InvalidArgument("page_size", "page_size must not be negative");
        }
        var count = pageSize == 0 ? items.Count - start : Math.Min(pageSize, items.Count - start);
        var next = start + count < items.Count ? (start + count).ToString(CultureInfo.InvariantCulture) : "";
        return (items.Skip(start).Take(count).ToList(), next);
    }
}
