#!/usr/bin/env python3
"""Summarizes a dotnet-trace speedscope file (dotnet-sampled-thread-time) of codesign-server as markdown.

The sampler records every managed thread's stack about 100 times a second, running or not, and cannot
tell running from runnable: on a loaded machine a thread waiting for a core counts as working. A
stack whose innermost frames show a wait (a thread-pool worker parked, the socket event loop in
epoll, the group committer waiting for work, a file watcher) is idle and left out. Every other sample
is counted once: as a GC suspension or lock contention if that is its innermost frame, as commit /
fsync if it is inside a transaction's commit, else in the first category below that one of its frames
matches, scanning from the innermost frame outwards; so SQLite work done for authentication counts
as SQLite, and the "authentication" row is what authentication costs beside it. A second table
splits the time by the layer that asked for it.

usage: profile_summary.py <trace.speedscope.json> <title>
"""
import json
import re
import sys
from collections import Counter, defaultdict

# Matched against the innermost three named frames.
IDLE = re.compile(
    r"Monitor\.Wait|WaitHandle\.Wait|WaitOneNoCheck|LowLevelLifoSemaphore\.Wait|SemaphoreSlim\.Wait"
    r"|ManualResetEventSlim\.Wait|Thread\.Sleep|Thread\.Join|SocketAsyncEngine\.EventLoop|WaitForSocketEvents"
    r"|Task\.SpinThenBlockingWait|Task\.InternalWaitCore|TimerQueue\.TimerThread|GateThread"
    r"|LowLevelMonitor\.Wait|GC\.RunFinalizers$|FileSystemWatcher|WorkerThread\.WorkerThreadStart$|Console|EventPipe|DiagnosticServer"
)
INNERMOST = [
    ("waiting for a GC (thread suspended)", re.compile(r"PollGC|WaitForGC|GCHeap")),
    ("lock contention (Monitor.Enter)", re.compile(r"Monitor\.Enter_Slowpath|Monitor\.ReliableEnter")),
]
COMMIT = re.compile(r"SqliteTransaction\.Commit|NpgsqlTransaction\.Commit|SqlStoreSession\.Commit")

# (category, pattern), innermost match wins; the order breaks ties within one frame.
CATEGORIES = [
    # A P/Invoke inlined into its caller leaves the caller innermost while the native code runs.
    ("SQLite prepare", r"sqlite3_prepare|PrepareAndEnumerateStatements|SqliteCommand\.Prepare"),
    ("SQLite step", r"sqlite3_step|SqliteDataReader\.NextResult$|SqliteDataReader\.Read$"),
    ("SQLite begin / open / pragmas", r"SqliteTransaction\.\.ctor|SqliteConnection\.BeginTransaction|SqliteConnection\.Open|SqliteConnectionExtensions"),
    ("SQLite reading rows, binding, other", r"Microsoft\.Data\.Sqlite|SQLitePCL"),
    ("PostgreSQL client", r"Npgsql"),
    ("audit hashing", r"AuditHash\."),
    ("key operation", r"OpenedKeyCache|KeyVault|SignHash|ECDsa|RSAOpenSsl|SafeEvpPKey|EvpPKey|Interop\+Crypto\.(Ecdsa|Rsa)"),
    ("authentication", r"Authenticator\.|ApiKeySecrets|AuthFailureLimiter"),
    ("authorization / membership reads", r"SignPipeline\.Authorize|SignPipeline\.PickGrant|SignerAccess\.|MemberManager|PrincipalResolver"),
    ("audit append", r"AuditLog\.Append|AuditLog\."),
    ("group commit (rest of the unit)", r"GroupCommitter\."),
    ("sign pipeline (rest)", r"SignPipeline\.|SignApi\."),
    ("TLS", r"System\.Net\.Security|SslStream|Interop\+Ssl|Interop\+OpenSsl"),
    ("gRPC / Kestrel / HTTP/2", r"Grpc\.|Microsoft\.AspNetCore|System\.Net\.Sockets|System\.IO\.Pipelines|Http2"),
    ("GC / runtime", r"GarbageCollect|\bGC\b|Jit|ThreadPool|Threading"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in CATEGORIES]
LAYERS = [
    ("authentication", re.compile(r"Authenticator\.")),
    ("authorization (read snapshot)", re.compile(r"SignPipeline\.Authorize")),
    ("group commit (re-check, grant, audit row)", re.compile(r"GroupCommitter\.")),
]


def stacks(profile, frames):
    """(stack as frame names root first, weight) for an evented or sampled speedscope profile."""
    if profile["type"] == "sampled":
        for sample, weight in zip(profile["samples"], profile["weights"]):
            yield [frames[i] for i in sample], weight
        return
    stack, last = [], None
    for event in profile["events"]:
        if last is not None and stack and event["at"] > last:
            yield [frames[i] for i in stack], event["at"] - last
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()


def short(name):
    name = name.split("!", 1)[-1]
    return re.sub(r"\(.*\)$", "", name)


def main():
    path, title = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    frames = [f["name"] for f in doc["shared"]["frames"]]
    categories, layers, sqlite_by_layer = Counter(), Counter(), defaultdict(Counter)
    exclusive, inclusive = Counter(), Counter()
    working = idle = 0.0
    for profile in doc["profiles"]:
        for stack, weight in stacks(profile, frames):
            named = [short(f) for f in stack if not re.fullmatch(r"[A-Z_]+|\?|", f)]
            if any(IDLE.search(f) for f in named[-3:]) or (stack and stack[-1] == "?" and "EventLoop" in stack[-2]):
                idle += weight
                continue
            working += weight
            category = next((name for name, pattern in INNERMOST if named and pattern.search(named[-1])), None)
            if category is None and any(COMMIT.search(f) for f in named):
                category = "commit / fsync"
            for frame in reversed(named if category is None else []):
                match = next((name for name, pattern in COMPILED if pattern.search(frame)), None)
                if match:
                    category = match
                    break
            category = category or "other"
            categories[category] += weight
            layer = next((name for name, pattern in LAYERS if any(pattern.search(f) for f in stack)), "outside the store calls")
            layers[layer] += weight
            sqlite_by_layer[layer][category] += weight
            if named:
                exclusive[named[-1]] += weight
            for name in set(named):
                inclusive[name] += weight

    def pct(value):
        return f"{100 * value / working:.1f}%" if working else "-"

    out = [f"#### {title}", "",
           f"{working / 1000:.1f} s of working thread time sampled ({idle / 1000:.1f} s idle threads left out).", "",
           "| category (innermost match) | share of working time |", "|---|---|"]
    out += [f"| {name} | {pct(value)} |" for name, value in categories.most_common()]
    out += ["", "| layer (outermost) | share | its top categories |", "|---|---|---|"]
    for name, value in layers.most_common():
        top = sqlite_by_layer[name].most_common(5)
        out.append(f"| {name} | {pct(value)} | {', '.join(f'{c} {pct(v)}' for c, v in top)} |")
    out += ["", "| top exclusive frames | share |", "|---|---|"]
    out += [f"| `{name}` | {pct(value)} |" for name, value in exclusive.most_common(15)]
    out += ["", "| top inclusive frames | share |", "|---|---|"]
    out += [f"| `{name}` | {pct(value)} |" for name, value in inclusive.most_common(40)
            if not name.startswith(("Thread", "Process", "System.Threading", "System.Runtime.CompilerServices")) and name]
    print("\n".join(out))


if __name__ == "__main__":
    main()
