package com.claribi.testsupport;

import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.ingest.DataSourceRecord;
import com.claribi.ingest.IngestLimits;
import com.claribi.ingest.Ingestor;
import com.claribi.ingest.SourceFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Workspaces and data sources for in-process tests, made without the signup mail round trip: a user
 * and a Trial workspace straight through {@code Accounts}, and a CSV data source ingested by the real
 * {@link Ingestor} into the workspace's DuckDB and recorded {@code ready} in the catalog (what the
 * upload tool does, minus its job runner).
 */
public final class SeededWorkspaces {
    private SeededWorkspaces() {}

    /** A workspace on the Trial tier and an MCP key with {@code scopes}. */
    public record Seeded(String workspaceId, String userId, String mcpKey) {}

    public static Seeded trialWorkspace(Application application, String name, Set<Scope> scopes) {
        User user = application.accounts().createUser(UUID.randomUUID() + "@example.com", Optional.empty());
        Workspace workspace = application
                .accounts()
                .createWorkspace(name, "trial", Optional.of(Instant.now().plus(Duration.ofDays(14))), user.id());
        String key = application
                .accounts()
                .mintKey(workspace.id(), user.id(), KeyKind.MCP, "tests", scopes)
                .secret();
        return new Seeded(workspace.id(), user.id(), key);
    }

    /** Another key of the same workspace's user. */
    public static String key(Application application, Seeded seeded, KeyKind kind, Set<Scope> scopes) {
        return application
                .accounts()
                .mintKey(seeded.workspaceId(), seeded.userId(), kind, "tests " + kind, scopes)
                .secret();
    }

    /** Ingests {@code csv} as a ready data source named {@code name}; returns its id. */
    public static String csvDataSource(Application application, String workspaceId, String name, String csv) {
        String id = application.dataSourceCatalog().newId();
        Path folder = application.workspaceDatabases().folder(workspaceId);
        Path raw;
        try {
            Files.createDirectories(folder.resolve("raw"));
            raw = Files.writeString(folder.resolve("raw/" + id + ".csv"), csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Ingestor.Result result = application
                .workspaceDatabases()
                .withConnection(
                        workspaceId,
                        connection -> new Ingestor(IngestLimits.defaults(), Clock.systemUTC())
                                .ingest(connection, raw, SourceFormat.CSV, id));
        application
                .dataSourceCatalog()
                .create(
                        id,
                        workspaceId,
                        name,
                        SourceFormat.CSV,
                        DataSourceRecord.Origin.UPLOAD,
                        Optional.empty(),
                        "raw/" + id + ".csv",
                        csv.getBytes(StandardCharsets.UTF_8).length);
        application.dataSourceCatalog().markReady(workspaceId, id, result.tables(), result.profile());
        return id;
    }
}
