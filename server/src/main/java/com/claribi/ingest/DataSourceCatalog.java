package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data-source catalog in the metadata store (table {@code data_sources}, migration V20). Every
 * read and write is scoped by workspace id, so an id from another workspace is simply not found
 * (SPEC §6 tenant isolation). SQL runs on H2 (PostgreSQL mode) and PostgreSQL.
 *
 * <p>Ids are {@code ds_} + 10 base-32 characters of milliseconds + 16 random ones, so they sort by
 * creation time and serve as the keyset cursor of {@link #list}.
 *
 * <p>Thread-safe.
 */
public final class DataSourceCatalog {
    private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int MAX_PAGE = 100;

    private final Jdbi jdbi;
    private final JsonMapper json;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * Parsed profiles by their JSON text. Parsing is most of what reading a row costs, and
     * run_analysis reads every ready source of the workspace per question; keyed by the text itself,
     * an entry can never be stale. Bounded to 8 million characters of JSON (≈ 16 MB of keys).
     */
    private final Cache<String, DataSourceProfile> profiles = Caffeine.newBuilder()
            .maximumWeight(8_000_000)
            .<String, DataSourceProfile>weigher((text, parsed) -> text.length())
            .build();

    public DataSourceCatalog(Jdbi jdbi, JsonMapper json, Clock clock) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One page of a listing; {@code nextCursor} is empty on the last page. */
    public record Page(List<DataSourceRecord> items, Optional<String> nextCursor) {
        public Page {
            items = List.copyOf(items);
            Objects.requireNonNull(nextCursor, "nextCursor");
        }
    }

    /** A fresh id; callers name the raw file and the DuckDB tables after it before {@link #create}. */
    public String newId() {
        long millis = clock.millis();
        char[] id = new char[26];
        for (int index = 9; index >= 0; index--) {
            id[index] = BASE32[(int) (millis & 31)];
            millis >>>= 5;
        }
        for (int index = 10; index < 26; index++) {
            id[index] = BASE32[random.nextInt(32)];
        }
        return "ds_" + new String(id);
    }

    /** Records an accepted data source in {@code processing}; the raw file must already be stored. */
    public DataSourceRecord create(
            String id,
            String workspaceId,
            String name,
            SourceFormat format,
            DataSourceRecord.Origin origin,
            Optional<URI> sourceUrl,
            String rawPath,
            long rawBytes) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ClariException.invalid("name must be 1 to 200 characters");
        }
        Instant now = clock.instant();
        jdbi.useHandle(handle -> handle.createUpdate(
                        "INSERT INTO data_sources (id, workspace_id, name, format, origin,"
                                + " source_url, status, raw_path, raw_bytes, created_at, updated_at)"
                                + " VALUES (:id, :workspace, :name, :format, :origin, :url, 'processing', :raw, :bytes, :now, :now)")
                .bind("id", id)
                .bind("workspace", workspaceId)
                .bind("name", name.strip())
                .bind("format", format.wireName())
                .bind("origin", origin.name().toLowerCase(Locale.ROOT))
                .bind("url", sourceUrl.map(URI::toString).orElse(null))
                .bind("raw", rawPath)
                .bind("bytes", rawBytes)
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .execute());
        return get(workspaceId, id).orElseThrow();
    }

    /** {@code processing} → {@code ready}; false when the source is gone or no longer processing. */
    public boolean markReady(String workspaceId, String id, List<LoadedTable> tables, DataSourceProfile profile) {
        String names =
                String.join("\n", tables.stream().map(LoadedTable::tableName).toList());
        return jdbi.withHandle(
                        handle -> handle.createUpdate("UPDATE data_sources SET status = 'ready', table_names = :names,"
                                        + " profile_json = :profile, row_count = :rows, failure_reason = NULL, updated_at = :now"
                                        + " WHERE workspace_id = :workspace AND id = :id AND status = 'processing'")
                                .bind("names", names)
                                .bind("profile", json.writeValueAsString(profile))
                                .bind("rows", profile.rowCount())
                                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                                .bind("workspace", workspaceId)
                                .bind("id", id)
                                .execute())
                == 1;
    }

    /** {@code processing} → {@code failed} with a reason worded for a person. */
    public boolean markFailed(String workspaceId, String id, String reason) {
        String text = reason.length() > 1000 ? reason.substring(0, 999) + "…" : reason;
        return jdbi.withHandle(handle -> handle.createUpdate(
                                "UPDATE data_sources SET status = 'failed', failure_reason = :reason,"
                                        + " updated_at = :now WHERE workspace_id = :workspace AND id = :id AND status = 'processing'")
                        .bind("reason", text)
                        .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                        .bind("workspace", workspaceId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    public Optional<DataSourceRecord> get(String workspaceId, String id) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM data_sources WHERE workspace_id = :workspace AND id = :id")
                        .bind("workspace", workspaceId)
                        .bind("id", id)
                        .map((rows, context) -> read(rows))
                        .findOne());
    }

    /**
     * Newest first, {@code limit} (1–100) at a time; {@code cursor} is the previous page's {@code
     * nextCursor}.
     */
    public Page list(String workspaceId, Optional<DataSourceStatus> status, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ClariException.invalid("limit must be 1 to " + MAX_PAGE);
        }
        if (cursor.isPresent() && !cursor.get().matches("ds_[0-9a-z]{26}")) {
            throw ClariException.invalid("cursor is not one this server returned");
        }
        List<DataSourceRecord> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM data_sources"
                        + " WHERE workspace_id = :workspace"
                        + (status.isPresent() ? " AND status = :status" : "")
                        + (cursor.isPresent() ? " AND id < :cursor" : "")
                        + " ORDER BY id DESC LIMIT :limit")
                .bind("workspace", workspaceId)
                .bind("status", status.map(DataSourceStatus::wireName).orElse(null))
                .bind("cursor", cursor.orElse(null))
                .bind("limit", limit + 1)
                .map((result, context) -> read(result))
                .list());
        boolean more = rows.size() > limit;
        List<DataSourceRecord> page = more ? rows.subList(0, limit) : rows;
        return new Page(page, more ? Optional.of(page.get(page.size() - 1).id()) : Optional.empty());
    }

    /** Removes the catalog row; the caller drops the DuckDB tables and the raw file. */
    public boolean delete(String workspaceId, String id) {
        return jdbi.withHandle(handle -> handle.createUpdate(
                                "DELETE FROM data_sources WHERE workspace_id = :workspace AND id = :id")
                        .bind("workspace", workspaceId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    /** Data sources a workspace holds (quota "data sources"), failed ones excluded. */
    public long countActive(String workspaceId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT count(*) FROM data_sources WHERE workspace_id = :workspace AND status <> 'failed'")
                .bind("workspace", workspaceId)
                .mapTo(Long.class)
                .one());
    }

    /** Raw bytes a workspace stores (quota "storage"). */
    public long storedBytes(String workspaceId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT coalesce(sum(raw_bytes), 0) FROM data_sources WHERE workspace_id = :workspace")
                .bind("workspace", workspaceId)
                .mapTo(Long.class)
                .one());
    }

    /**
     * Records that a server starts (or restarts) processing the source.
     *
     * @return the attempt number, 1 for the first; 0 when the source is gone or no longer processing
     */
    public int startAttempt(String workspaceId, String id) {
        return jdbi.inTransaction(handle -> {
            int updated = handle.createUpdate("UPDATE data_sources SET attempts = attempts + 1"
                            + " WHERE workspace_id = :workspace AND id = :id AND status = 'processing'")
                    .bind("workspace", workspaceId)
                    .bind("id", id)
                    .execute();
            if (updated == 0) {
                return 0;
            }
            return handle.createQuery("SELECT attempts FROM data_sources WHERE workspace_id = :workspace AND id = :id")
                    .bind("workspace", workspaceId)
                    .bind("id", id)
                    .mapTo(Integer.class)
                    .one();
        });
    }

    /** How often processing of the source was started; 0 when it is unknown. */
    public int attempts(String workspaceId, String id) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT attempts FROM data_sources WHERE workspace_id = :workspace AND id = :id")
                .bind("workspace", workspaceId)
                .bind("id", id)
                .mapTo(Integer.class)
                .findOne()
                .orElse(0));
    }

    /** Every source still {@code processing}, for the job runner to resume or fail at startup. */
    public List<DataSourceRecord> processing() {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM data_sources WHERE status = 'processing' ORDER BY id")
                        .map((rows, context) -> read(rows))
                        .list());
    }

    private DataSourceRecord read(ResultSet rows) throws SQLException {
        String names = rows.getString("table_names");
        String profile = rows.getString("profile_json");
        String url = rows.getString("source_url");
        return new DataSourceRecord(
                rows.getString("id"),
                rows.getString("workspace_id"),
                rows.getString("name"),
                SourceFormat.fromWireName(rows.getString("format")),
                DataSourceRecord.Origin.valueOf(rows.getString("origin").toUpperCase(Locale.ROOT)),
                Optional.ofNullable(url).map(URI::create),
                DataSourceStatus.fromWireName(rows.getString("status")),
                Optional.ofNullable(rows.getString("failure_reason")),
                rows.getString("raw_path"),
                rows.getLong("raw_bytes"),
                names == null || names.isEmpty() ? List.of() : Arrays.asList(names.split("\n")),
                Optional.ofNullable(profile)
                        .map(text -> profiles.get(text, ignored -> json.readValue(text, DataSourceProfile.class))),
                rows.getObject("created_at", OffsetDateTime.class).toInstant(),
                rows.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
