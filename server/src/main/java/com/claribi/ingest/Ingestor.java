package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The ingestion core's entry point: loads a raw file that already lies inside a workspace folder
 * into that workspace's DuckDB and profiles the result. It knows nothing of MCP, quotas or jobs;
 * callers (the {@code upload_data_source} and {@code ingest_url_data_source} tools, the job runner)
 * store the raw file durably first, then call {@link #ingest}.
 *
 * <p>Atomicity: every table is built under a hidden staging name and all of them are renamed to
 * their final names in one transaction at the end; any failure drops the staging tables, so a
 * failed or interrupted load leaves nothing visible. After a crash, call {@link
 * #dropAbandonedStaging} when the workspace database opens.
 *
 * <p>Thread-safety: an instance holds no per-call state and may be shared; a DuckDB {@link
 * Connection} must not be used by two loads at once.
 */
public final class Ingestor {
    private static final Pattern BASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final IngestLimits limits;
    private final Clock clock;

    public Ingestor(IngestLimits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public IngestLimits limits() {
        return limits;
    }

    /**
     * The result of one ingestion.
     *
     * @param tables the published tables, main table first
     * @param profile their profile
     */
    public record Result(List<LoadedTable> tables, DataSourceProfile profile) {
        public Result {
            tables = List.copyOf(tables);
            Objects.requireNonNull(profile, "profile");
        }
    }

    /**
     * Loads {@code rawFile} as {@code format} into tables named {@code baseName} (one table) or
     * {@code baseName__<part>} (sheets, PDF tables and text), then profiles them.
     *
     * @param baseName lowercase letters, digits and underscores, starting with a letter; unique per
     *     data source (for example {@code ds_<id>})
     * @throws ClariException INVALID_ARGUMENT for a malformed file, TOO_LARGE for a file beyond a
     *     bound of {@link IngestLimits}, CONFLICT when a table of that name exists, INTERNAL when
     *     DuckDB fails otherwise; in every case no table was published
     */
    public Result ingest(Connection duckdb, Path rawFile, SourceFormat format, String baseName) {
        List<LoadedTable> tables = load(duckdb, rawFile, format, baseName);
        return new Result(tables, profile(duckdb, rawFile, format, tables));
    }

    /** Loads without profiling; see {@link #ingest}. */
    public List<LoadedTable> load(Connection duckdb, Path rawFile, SourceFormat format, String baseName) {
        Objects.requireNonNull(duckdb, "duckdb");
        Objects.requireNonNull(format, "format");
        if (baseName == null || !BASE_NAME.matcher(baseName).matches()) {
            throw new IllegalArgumentException("baseName must match " + BASE_NAME.pattern());
        }
        if (!Files.isRegularFile(rawFile)) {
            throw ClariException.invalid("the raw file is missing");
        }
        try {
            if (Files.size(rawFile) == 0) {
                throw ClariException.invalid("the file is empty");
            }
        } catch (IOException e) {
            throw ClariException.invalid("the raw file could not be read");
        }
        Deadline deadline = Deadline.after(limits.timeLimit());
        String fileName = rawFile.getFileName().toString();
        try (StagedTables staged = new StagedTables(duckdb)) {
            List<LoadedTable> tables = switch (format) {
                case CSV ->
                    List.of(CsvLoader.load(rawFile, baseName, fileName, Optional.empty(), staged, limits, deadline));
                case TSV ->
                    List.of(CsvLoader.load(rawFile, baseName, fileName, Optional.of('\t'), staged, limits, deadline));
                case JSON -> List.of(JsonLoader.load(rawFile, baseName, fileName, staged, limits, deadline));
                case EXCEL -> ExcelLoader.load(rawFile, baseName, staged, limits, deadline);
                case TEXT -> List.of(TextLoader.load(rawFile, baseName, staged, limits, deadline));
                case PDF -> PdfLoader.load(rawFile, baseName, staged, limits, deadline);
            };
            if (tables.isEmpty()) {
                throw ClariException.invalid("the file holds no data: every sheet or page is empty");
            }
            deadline.check();
            staged.publish();
            return tables;
        } catch (SQLException e) {
            throw new ClariException(ErrorCode.INTERNAL, "the data could not be stored", e);
        } catch (StackOverflowError | OutOfMemoryError e) {
            throw new ClariException(ErrorCode.TOO_LARGE, "the file is too complex to process", e);
        }
    }

    /** Profiles tables published by {@link #load}. */
    public DataSourceProfile profile(Connection duckdb, Path rawFile, SourceFormat format, List<LoadedTable> tables) {
        try {
            List<TableProfile> profiles = new ArrayList<>();
            long rows = 0;
            for (LoadedTable table : tables) {
                TableProfile profile = Profiler.profile(duckdb, table);
                profiles.add(profile);
                rows += profile.rowCount();
            }
            return new DataSourceProfile(format, Files.size(rawFile), rows, profiles, clock.instant());
        } catch (SQLException e) {
            throw new ClariException(ErrorCode.INTERNAL, "the data could not be profiled", e);
        } catch (IOException e) {
            throw new ClariException(ErrorCode.INTERNAL, "the raw file could not be read", e);
        }
    }

    /**
     * Drops staging tables a crashed load left in a workspace database; returns how many. Call when
     * the database opens, before any load.
     */
    public static int dropAbandonedStaging(Connection duckdb) {
        try {
            return StagedTables.dropLeftovers(duckdb);
        } catch (SQLException e) {
            throw new ClariException(ErrorCode.INTERNAL, "abandoned tables could not be removed", e);
        }
    }
}
