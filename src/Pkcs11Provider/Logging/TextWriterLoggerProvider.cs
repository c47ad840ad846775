using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Logging;

/// <summary>
/// One line per event: UTC time, level, category, message, exception type and message.
/// Hand-written rather than Microsoft.Extensions.Logging.Console: no background thread, no
/// configuration binding, nothing that would surprise a host process or the AOT compiler.
/// </summary>
internal sealed class TextWriterLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly Lock _gate = new();

    public TextWriterLoggerProvider(string? file)
    {
        if (file is null)
        {
            _writer = Console.Error;
            return;
        }

        _writer = new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        _ownsWriter = true;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        if (_ownsWriter)
        {
            lock (_gate)
            {
                _writer.Dispose();
            }
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    private sealed class Logger(TextWriterLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += $" ({exception.GetType().Name}: {exception.Message})";
            }

            // One event, one line: what the server quotes back (names, reasons) cannot forge or hide lines.
            owner.Write(CodeSigning.V1.DisplayText.Escape(line));
        }
    }
}
