using CodeSigning.Server.Storage.Postgres;
using Npgsql;

namespace CodeSigning.Server.Tests.Storage;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void A_url_gives_host_port_user_password_database_and_query_settings()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("postgres://code%40sign:p%3Ass@db1.example:6543/code%20signing?SSL%20Mode=Require&Timeout=7"));

        Assert.Equal(("db1.example", 6543, "code@sign", "p:ss", "code signing"), (parsed.Host, parsed.Port, parsed.Username, parsed.Password, parsed.Database));
        Assert.Equal((SslMode.Require, 7), (parsed.SslMode, parsed.Timeout));
    }

    [Fact]
    public void A_url_without_port_or_user_takes_the_defaults_and_an_ipv6_host_loses_its_brackets()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("postgresql://[::1]/codesign"));

        Assert.Equal(("::1", 5432, null, "codesign"), (parsed.Host, parsed.Port, parsed.Username, parsed.Database));
    }

    [Fact]
    public void A_key_value_string_is_taken_as_it_is()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("Host=db1;Database=codesign;Username=codesign"));

        Assert.Equal(("db1", "codesign", "codesign"), (parsed.Host, parsed.Database, parsed.Username));
    }

    [Theory]
    [InlineData("mysql://u:s3cret-pw@h/db")]
    [InlineData("postgres://u:s3cret-pw@/db")]
    [InlineData("postgres://u:s3cret-pw@h/db?NoSuchKey=1")]
    [InlineData("Host=h;Password=s3cret-pw;NoSuchKey=1")]
    [InlineData("just-a-name")]
    public void Anything_else_is_refused_without_repeating_the_password(string database)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresConnectionString.Parse(database));

        Assert.StartsWith("--database", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }
}
