using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CodeSigning.Tests.Shared;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a server that holds every chunk, in both directions, for
/// <see cref="Delay"/>: a slow network or an overloaded server as the client sees it. Order is kept;
/// a chunk already held is released as soon as the delay is lowered, so a test can end the slowness.
/// </summary>
public sealed class DelayingProxy : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private long _delayTicks;

    /// <param name="target">The server's URL; the proxy keeps its scheme and path, and replaces host and port.</param>
    public DelayingProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        Url = new UriBuilder(target) { Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.Uri;
        _accepting = AcceptAsync();
    }

    /// <summary>The server's URL through the proxy.</summary>
    public Uri Url { get; }

    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            var server = new TcpClient();
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(server);
            }
            _ = RelayAsync(client, server);
        }
    }

    private async Task RelayAsync(TcpClient client, TcpClient server)
    {
        try
        {
            await server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream()), PumpAsync(server.GetStream(), client.GetStream())).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away: closing both below is all there is to do.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token).ConfigureAwait(false)) > 0)
            {
                var held = Stopwatch.StartNew();
                while (held.Elapsed < Delay)
                {
                    await Task.Delay(Poll, _stop.Token).ConfigureAwait(false);
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection closed under us.
        }
    }
}
