package com.claribi.ingest;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One data source as the catalog holds it.
 *
 * @param id {@code ds_} followed by a time-ordered random suffix
 * @param workspaceId the owning workspace
 * @param name the name the user gave it
 * @param format the format it was read as
 * @param origin how it arrived
 * @param sourceUrl the URL it was fetched from (origin {@code url} only)
 * @param status processing state
 * @param failureReason why it failed, worded for a person (status {@code failed} only)
 * @param rawPath the stored raw file, relative to the workspace folder
 * @param rawBytes size of the raw file, counted against storage quota
 * @param tableNames the DuckDB tables it published (empty until ready)
 * @param profile its profile (ready only)
 * @param createdAt when it was accepted
 * @param updatedAt last status change
 */
public record DataSourceRecord(
        String id,
        String workspaceId,
        String name,
        SourceFormat format,
        Origin origin,
        Optional<URI> sourceUrl,
        DataSourceStatus status,
        Optional<String> failureReason,
        String rawPath,
        long rawBytes,
        List<String> tableNames,
        Optional<DataSourceProfile> profile,
        Instant createdAt,
        Instant updatedAt) {

    /** How a data source arrived. */
    public enum Origin {
        UPLOAD,
        URL,
        INTEGRATION
    }

    public DataSourceRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(sourceUrl, "sourceUrl");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failureReason, "failureReason");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        tableNames = List.copyOf(tableNames);
    }
}
