using System.Data.Common;

namespace CodeSigning.Server.Storage;

/// <summary>
/// One open connection of a store and the commands it has run, kept for the next session on it.
/// Microsoft.Data.Sqlite compiles a command's SQL the first time it runs and keeps the compiled
/// statement only as long as that command object lives; a signature runs the same dozen statements
/// every time, so reusing the command skips the compile (and its parse of the schema) on every call.
/// </summary>
/// <remarks>Used by one session at a time; <paramref name="release"/> gets it back when the session ends.</remarks>
internal sealed class StoreConnection(DbConnection connection, Action<StoreConnection>? release = null) : IDisposable
{
    // Statements built from a variable number of parameters (IN lists) make new SQL texts; a bound
    // keeps them from growing the cache without end.
    private const int MaxCommands = 256;

    private readonly Dictionary<string, DbCommand> _idle = new(StringComparer.Ordinal);

    public DbConnection Connection => connection;

    /// <summary>Whether an error left the connection in a state not worth reusing (it is then closed instead).</summary>
    public bool Broken { get; set; }

    /// <summary>
    /// The command for <paramref name="sql"/> in <paramref name="transaction"/> (null: a statement of its own) with these values bound.
    /// Give it back with <see cref="Return"/> once its reader is closed; a command not given back (an
    /// error, or the same SQL run again while its reader is open) is simply disposed by its user.
    /// </summary>
    public DbCommand Rent(string sql, DbTransaction? transaction, (string Name, object? Value)[] parameters)
    {
        if (_idle.Remove(sql, out var command))
        {
            command.Transaction = transaction;
            if (!Rebind(command.Parameters, parameters))
            {
                command.Parameters.Clear();
                Bind(command, parameters);
            }
            return command;
        }
        command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Bind(command, parameters);
        return command;
    }

    /// <summary>
    /// Runs <paramref name="run"/> on the command for <paramref name="sql"/> (<see cref="Rent"/>), keeping
    /// the command for the next use once it completed and disposing it if it threw.
    /// </summary>
    /// <param name="state">Passed to <paramref name="run"/>, so a static lambda needs no closure on the hot path.</param>
    public TResult Run<TState, TResult>(string sql, DbTransaction? transaction, (string Name, object? Value)[] parameters,
        TState state, Func<DbCommand, TState, TResult> run)
    {
        var command = Rent(sql, transaction, parameters);
        TResult result;
        try
        {
            result = run(command, state);
        }
        catch
        {
            command.Dispose();
            throw;
        }
        Return(sql, command);
        return result;
    }

    /// <summary>Keeps a command that ran to completion for the next use of the same SQL.</summary>
    public void Return(string sql, DbCommand command)
    {
        if (_idle.Count >= MaxCommands || !_idle.TryAdd(sql, command))
        {
            command.Dispose();
        }
    }

    /// <summary>Ends a session on this connection: back to its store, or closed if it has none.</summary>
    public void Release()
    {
        if (release is null || Broken)
        {
            Dispose();
        }
        else
        {
            release(this);
        }
    }

    public void Dispose()
    {
        foreach (var command in _idle.Values)
        {
            command.Dispose();
        }
        _idle.Clear();
        connection.Dispose();
    }

    // The same SQL text comes with the same parameter names from every call site; values change.
    private static bool Rebind(DbParameterCollection bound, (string Name, object? Value)[] parameters)
    {
        if (bound.Count != parameters.Length)
        {
            return false;
        }
        for (var i = 0; i < parameters.Length; i++)
        {
            if (bound[i].ParameterName != parameters[i].Name)
            {
                return false;
            }
        }
        for (var i = 0; i < parameters.Length; i++)
        {
            bound[i].Value = parameters[i].Value ?? DBNull.Value;
        }
        return true;
    }

    private static void Bind(DbCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
    }
}
