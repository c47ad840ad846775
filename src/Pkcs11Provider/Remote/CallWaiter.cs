namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// Blocks the host's calling thread until a gRPC call completes, without spinning. Grpc's
/// BlockingUnaryCall waits with Task.Wait, which spins and calls sched_yield before it sleeps;
/// a signature's round trip takes a millisecond or more, so that spinning only burned the CPU the
/// server and the other callers needed: about 15% of the module's CPU per signature at 8 threads.
/// </summary>
internal static class CallWaiter
{
    [ThreadStatic]
    private static Waiter? _waiter;

    /// <summary>The call's result, or its exception (an RpcException) as Task.Wait's GetResult throws it.</summary>
    public static T Result<T>(Task<T> call)
    {
        if (!call.IsCompleted)
        {
            (_waiter ??= new Waiter()).WaitFor(call);
        }

        return call.GetAwaiter().GetResult();
    }

    /// <summary>One per host thread that calls the server, reused for every call it makes.</summary>
    private sealed class Waiter
    {
        // A Monitor, not a Lock: the thread sleeps in Monitor.Wait until the call's continuation pulses it.
        private readonly object _gate = new();
        private readonly Action _complete;
        private bool _completed;

        public Waiter() => _complete = Complete;

        public void WaitFor(Task call)
        {
            _completed = false;
            call.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_complete);
            lock (_gate)
            {
                while (!_completed)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        private void Complete()
        {
            lock (_gate)
            {
                _completed = true;
                Monitor.Pulse(_gate);
            }
        }
    }
}
