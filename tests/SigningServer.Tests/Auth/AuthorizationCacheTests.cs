using CodeSigning.Server.Domain;

namespace CodeSigning.Server.Tests.Auth;

/// <summary>The request path's cache: an answer only under the version it was read under, and a bounded size.</summary>
public sealed class AuthorizationCacheTests
{
    [Fact]
    public void An_entry_answers_only_under_the_version_it_was_stored_with()
    {
        var cache = new AuthorizationCache<string, string>(10);
        cache.Set("key", 7, "answer");

        Assert.True(cache.TryGet("key", 7, out var answer));
        Assert.Equal("answer", answer);
        Assert.False(cache.TryGet("key", 8, out _));
        Assert.False(cache.TryGet("key", 6, out _));
        Assert.False(cache.TryGet("other", 7, out _));
    }

    [Fact]
    public void A_newer_version_drops_what_was_read_under_older_ones()
    {
        var cache = new AuthorizationCache<string, string>(10);
        cache.Set("first", 1, "old");
        cache.Set("second", 2, "new");

        Assert.False(cache.TryGet("first", 1, out _));
        Assert.True(cache.TryGet("second", 2, out _));
    }

    [Fact]
    public void It_never_holds_more_than_its_capacity()
    {
        var cache = new AuthorizationCache<int, string>(100);
        for (var i = 0; i < 1000; i++)
        {
            cache.Set(i, 1, "answer");
        }

        var held = Enumerable.Range(0, 1000).Count(i => cache.TryGet(i, 1, out _));
        Assert.InRange(held, 1, 100);
        Assert.True(cache.TryGet(999, 1, out _));
    }

    [Fact]
    public void Replacing_an_entry_does_not_count_against_the_capacity()
    {
        var cache = new AuthorizationCache<string, string>(2);
        cache.Set("a", 1, "x");
        cache.Set("b", 1, "x");
        for (var i = 0; i < 10; i++)
        {
            cache.Set("b", 1, "y");
        }

        Assert.True(cache.TryGet("a", 1, out _));
        Assert.True(cache.TryGet("b", 1, out var b));
        Assert.Equal("y", b);
    }
}
