using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Hosting;

/// <summary>Checkpoints the audit chain's head every <see cref="ServerSettings.AuditCheckpointInterval"/> and once more at shutdown.</summary>
public sealed class AuditCheckpointService(IStore store, AuditCheckpoints checkpoints, ServerSettings settings, ILogger<AuditCheckpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(settings.AuditCheckpointInterval, stoppingToken).ConfigureAwait(false);
                Write();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync writes the last checkpoint.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Write();
    }

    private void Write()
    {
        try
        {
            // A writer's transaction, rolled back: it waits for the appends under way, so the heads it signs are final.
            using var session = store.Begin();
            checkpoints.Write(session);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            ServerLog.CheckpointNotWritten(logger, checkpoints.FilePath, e.Message);
        }
    }
}
