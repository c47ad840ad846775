using Npgsql;

namespace CodeSigning.Server.Storage.Postgres;

/// <summary>
/// Versioned schema: migration N brings <c>schema_version</c> from N-1 to N, the same steps as
/// <c>SqliteMigrations</c> in PostgreSQL's types. Append new migrations, never edit a released one.
/// </summary>
internal static class PostgresMigrations
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value BYTEA NOT NULL);
        CREATE TABLE users (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, email TEXT NOT NULL,
            product_admin BOOLEAN NOT NULL, enabled BOOLEAN NOT NULL, created_at BIGINT NOT NULL);
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), description TEXT NOT NULL,
            salt BYTEA NOT NULL, hash BYTEA NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
            last_used_at BIGINT, revoked BOOLEAN NOT NULL);
        CREATE INDEX api_keys_user ON api_keys(user_id);
        CREATE TABLE service_accounts (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, client_id TEXT NOT NULL UNIQUE,
            enabled BOOLEAN NOT NULL, created_at BIGINT NOT NULL);
        CREATE TABLE service_account_keys (
            key_id TEXT NOT NULL, service_account_id TEXT NOT NULL REFERENCES service_accounts(id), algorithm TEXT NOT NULL,
            public_key BYTEA NOT NULL, fingerprint TEXT NOT NULL, created_at BIGINT NOT NULL,
            PRIMARY KEY (service_account_id, key_id));
        CREATE TABLE access_tokens (
            id TEXT PRIMARY KEY, service_account_id TEXT NOT NULL REFERENCES service_accounts(id),
            salt BYTEA NOT NULL, hash BYTEA NOT NULL, expires_at BIGINT NOT NULL);
        CREATE TABLE used_assertions (
            client_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (client_id, jti));
        CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL);
        CREATE TABLE group_members (
            group_id TEXT NOT NULL REFERENCES groups(id), member_kind INTEGER NOT NULL, member_id TEXT NOT NULL,
            member_name TEXT NOT NULL, PRIMARY KEY (group_id, member_id));
        CREATE INDEX group_members_member ON group_members(member_id);
        CREATE TABLE signers (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, key_algorithm INTEGER NOT NULL,
            enabled BOOLEAN NOT NULL, certificate_authority INTEGER NOT NULL, subject TEXT NOT NULL,
            key_reference BYTEA NOT NULL, public_key BYTEA NOT NULL, pending_csr TEXT, created_at BIGINT NOT NULL);
        CREATE TABLE signer_certificates (
            signer_id TEXT NOT NULL REFERENCES signers(id), position INTEGER NOT NULL, der BYTEA NOT NULL,
            PRIMARY KEY (signer_id, position));
        CREATE TABLE members (
            signer_id TEXT NOT NULL REFERENCES signers(id), principal_kind INTEGER NOT NULL, principal_id TEXT NOT NULL,
            principal_name TEXT NOT NULL, role INTEGER NOT NULL, PRIMARY KEY (signer_id, principal_id));
        CREATE INDEX members_principal ON members(principal_id);
        CREATE TABLE approval_policies (
            signer_id TEXT PRIMARY KEY REFERENCES signers(id), approvals_required INTEGER NOT NULL,
            max_signatures_per_grant BIGINT NOT NULL, max_grant_window_ms BIGINT NOT NULL, request_ttl_ms BIGINT NOT NULL);
        CREATE TABLE policy_approvers (
            signer_id TEXT NOT NULL REFERENCES signers(id), principal_kind INTEGER NOT NULL, principal_id TEXT NOT NULL,
            principal_name TEXT NOT NULL, PRIMARY KEY (signer_id, principal_id));
        CREATE TABLE signing_requests (
            id TEXT PRIMARY KEY, signer_id TEXT NOT NULL REFERENCES signers(id), requester_kind INTEGER NOT NULL,
            requester_id TEXT NOT NULL, requester_name TEXT NOT NULL, justification TEXT NOT NULL,
            signature_count BIGINT NOT NULL, window_ms BIGINT NOT NULL, state INTEGER NOT NULL,
            created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, grant_id TEXT);
        CREATE INDEX signing_requests_signer ON signing_requests(signer_id);
        CREATE TABLE decisions (
            request_id TEXT NOT NULL REFERENCES signing_requests(id), approver_kind INTEGER NOT NULL,
            approver_id TEXT NOT NULL, approver_name TEXT NOT NULL, approved BOOLEAN NOT NULL, comment TEXT NOT NULL,
            decided_at BIGINT NOT NULL, PRIMARY KEY (request_id, approver_id));
        CREATE TABLE grants (
            id TEXT PRIMARY KEY, signer_id TEXT NOT NULL REFERENCES signers(id), grantee_kind INTEGER NOT NULL,
            grantee_id TEXT NOT NULL, grantee_name TEXT NOT NULL, allowed BIGINT NOT NULL, used BIGINT NOT NULL,
            not_before BIGINT NOT NULL, not_after BIGINT NOT NULL, request_id TEXT, granted_by_kind INTEGER NOT NULL,
            granted_by_id TEXT NOT NULL, granted_by_name TEXT NOT NULL, revoked BOOLEAN NOT NULL,
            CHECK (used <= allowed));
        CREATE INDEX grants_signer ON grants(signer_id);
        CREATE TABLE audit_events (
            sequence BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, time BIGINT NOT NULL, type TEXT NOT NULL,
            outcome INTEGER NOT NULL, actor_kind INTEGER, actor_id TEXT, actor_name TEXT, signer_id TEXT NOT NULL,
            signer_name TEXT NOT NULL, reason TEXT NOT NULL, client_host TEXT NOT NULL, client_process TEXT NOT NULL,
            client_pid BIGINT NOT NULL, client_correlation_id TEXT NOT NULL, client_name TEXT NOT NULL,
            remote_address TEXT NOT NULL, details TEXT NOT NULL, hash BYTEA NOT NULL, previous_hash BYTEA NOT NULL);
        CREATE INDEX audit_events_signer ON audit_events(signer_id, sequence);
        -- Append-only: the database itself refuses to rewrite history (the hash chain catches
        -- whoever bypasses this as a superuser).
        CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$;
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
        """,
        // 2: which vault holds each Signer's key; every earlier key is a software one.
        """
        ALTER TABLE signers ADD COLUMN key_vault TEXT NOT NULL DEFAULT 'software';
        """,
        // 3: counters allocated across restarts and replicas; the timestamp authority's serial numbers.
        """
        CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
        INSERT INTO counters (name, value) VALUES ('timestamp.serial', 0);
        """,
        // 4: an access token remembers the key that obtained it and can be revoked (key removed,
        // account disabled); an API key remembers the API key that created it (cascading revocation).
        """
        ALTER TABLE access_tokens ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE access_tokens ADD COLUMN revoked BOOLEAN NOT NULL DEFAULT FALSE;
        CREATE INDEX access_tokens_account ON access_tokens(service_account_id);
        ALTER TABLE api_keys ADD COLUMN created_by_key TEXT;
        CREATE INDEX api_keys_created_by ON api_keys(created_by_key);
        """,
        // 5: may an Administrator pre-approve themself; NULL: the default (only under a one-approval policy).
        """
        ALTER TABLE approval_policies ADD COLUMN allow_self_preapproval INTEGER;
        """,
        // 6: webhooks and their durable outbox; archived Signers, users and service accounts; the
        // certificates of rotated-out keys.
        """
        CREATE TABLE webhooks (
            id TEXT PRIMARY KEY, url TEXT NOT NULL, event_types TEXT NOT NULL, signer_id TEXT REFERENCES signers(id),
            secret BYTEA NOT NULL, created_at BIGINT NOT NULL, created_by_kind INTEGER NOT NULL, created_by_id TEXT NOT NULL,
            created_by_name TEXT NOT NULL);
        CREATE TABLE webhook_deliveries (
            id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL REFERENCES webhooks(id), event_id TEXT NOT NULL, event_type TEXT NOT NULL,
            signer_id TEXT NOT NULL, signer_name TEXT NOT NULL, payload TEXT NOT NULL, state INTEGER NOT NULL, attempts INTEGER NOT NULL,
            next_attempt_at BIGINT NOT NULL, lease_owner TEXT NOT NULL, lease_until BIGINT NOT NULL, last_status INTEGER NOT NULL,
            last_error TEXT NOT NULL, created_at BIGINT NOT NULL, delivered_at BIGINT);
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
        CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, created_at);
        ALTER TABLE signers ADD COLUMN archived_at BIGINT;
        ALTER TABLE users ADD COLUMN archived_at BIGINT;
        ALTER TABLE service_accounts ADD COLUMN archived_at BIGINT;
        CREATE TABLE signer_certificate_history (
            signer_id TEXT NOT NULL REFERENCES signers(id), generation INTEGER NOT NULL, retired_at BIGINT NOT NULL,
            position INTEGER NOT NULL, der BYTEA NOT NULL, PRIMARY KEY (signer_id, generation, position));
        """,
        // 7: one hash chain per Signer plus the server-wide one, so that appends on different Signers
        // need not wait for each other. Every earlier event stays in the server-wide chain "" at its
        // own sequence number; numbers now come from a sequence.
        """
        ALTER TABLE audit_events ADD COLUMN chain TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit_events ADD COLUMN chain_sequence BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
        UPDATE audit_events SET chain_sequence = sequence;
        ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;
        CREATE UNIQUE INDEX audit_events_chain ON audit_events(chain, chain_sequence);
        CREATE SEQUENCE audit_sequence;
        SELECT setval('audit_sequence', COALESCE((SELECT MAX(sequence) FROM audit_events), 0) + 1, false);
        """,
        // 8: the authorization version, moved by every commit that changes what authentication or
        // authorization reads (SqlStoreSession); the request path's caches hold while it stays.
        """
        INSERT INTO counters (name, value) VALUES ('authorization_version', 0);
        """,
    ];

    /// <summary>
    /// Applies the pending migrations in one transaction holding the store's write lock, so that
    /// replicas starting together migrate once and never see a half-made schema.
    /// </summary>
    /// <param name="target">The version to stop at: all of them but in tests of a migration.</param>
    public static void Apply(NpgsqlDataSource dataSource, int? target = null)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.ReadCommitted);
        PostgresStore.LockWriters(connection, transaction);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
        {
            var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version > Migrations.Length)
            {
                throw new InvalidOperationException($"the database schema is version {version}, newer than this server knows ({Migrations.Length}); upgrade the server");
            }
            for (var next = version; next < (target ?? Migrations.Length); next++)
            {
                Execute(connection, transaction, Migrations[next]);
                Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({next + 1})");
            }
        }
        transaction.Commit();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
