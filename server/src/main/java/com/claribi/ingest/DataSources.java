package com.claribi.ingest;

import com.claribi.billing.Plans;
import com.claribi.billing.Quota;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.storage.WorkspaceDatabases;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-source feature's entry (SPEC §2, issue 5): accepts uploads and URL ingests after the
 * quota checks, stores the raw file durably before acknowledging, and runs the parse as a durable
 * job: the catalog row in {@code processing} plus the stored raw file are the job, so a server that
 * dies mid-job picks it up again at the next start ({@link #resumeInterrupted()}) and a half-written
 * table is never visible (the {@link Ingestor} publishes all tables of a source in one DuckDB
 * transaction).
 *
 * <p>Jobs run on virtual threads; a semaphore lets at most {@code maxConcurrentJobs} parse at once
 * (DuckDB and the parsers are CPU- and memory-heavy). Quotas: {@code data_sources} is taken on
 * acceptance and given back when the source fails or is deleted; {@code uploads} (monthly; URL
 * ingests count too) is taken on acceptance; {@code storage_bytes} is the raw file's size, given
 * back on delete.
 *
 * <p>Thread-safe.
 */
public final class DataSources implements AutoCloseable {
    /** Largest {@code data_base64} accepted (SPEC §2: 25 MB of base64, about 18 MB decoded). */
    public static final int MAX_BASE64_CHARS = 25 * 1024 * 1024;
    /** Jobs a process starts before it gives a source up as one that crashes the server. */
    static final int MAX_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(DataSources.class);
    private static final String RAW_FOLDER = "raw";

    private final DataSourceCatalog catalog;
    private final Ingestor ingestor;
    private final UrlFetcher fetcher;
    private final WorkspaceDatabases workspaces;
    private final Plans plans;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore slots;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final List<Consumer<DataSourceRecord>> listeners = new CopyOnWriteArrayList<>();

    /** Where a job is, for progress notifications. */
    public enum Phase {
        QUEUED(1, "queued"),
        LOADING(2, "reading the file into tables"),
        PROFILING(3, "profiling the columns"),
        DONE(4, "done");

        private final int step;
        private final String words;

        Phase(int step, String words) {
            this.step = step;
            this.words = words;
        }

        public int step() {
            return step;
        }

        public String words() {
            return words;
        }

        /** Steps of a job, for a progress total. */
        public static int steps() {
            return DONE.step;
        }
    }

    /** Receives progress while {@link #await} waits. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(Phase phase);
    }

    /**
     * Preview rows of a ready data source's main table.
     *
     * @param rows values as JDBC returns them, reduced to String, Long, Double, Boolean or null
     */
    public record Preview(String table, List<String> columns, List<List<Object>> rows) {
        public Preview {
            Objects.requireNonNull(table, "table");
            columns = List.copyOf(columns);
            rows = rows.stream()
                    .map(row -> java.util.Collections.unmodifiableList(new ArrayList<>(row)))
                    .toList();
        }
    }

    private static final class Job {
        final String workspaceId;
        final String id;
        final CompletableFuture<DataSourceRecord> done = new CompletableFuture<>();
        volatile Phase phase = Phase.QUEUED;
        volatile boolean cancelled;

        Job(String workspaceId, String id) {
            this.workspaceId = workspaceId;
            this.id = id;
        }
    }

    public DataSources(
            DataSourceCatalog catalog,
            Ingestor ingestor,
            UrlFetcher fetcher,
            WorkspaceDatabases workspaces,
            Plans plans,
            int maxConcurrentJobs) {
        this(catalog, ingestor, fetcher, workspaces, plans, jobSlots(maxConcurrentJobs));
    }

    /** As the public constructor, with the semaphore jobs take a slot from (tests hold it). */
    DataSources(
            DataSourceCatalog catalog,
            Ingestor ingestor,
            UrlFetcher fetcher,
            WorkspaceDatabases workspaces,
            Plans plans,
            Semaphore slots) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.workspaces = Objects.requireNonNull(workspaces, "workspaces");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.slots = Objects.requireNonNull(slots, "slots");
    }

    private static Semaphore jobSlots(int maxConcurrentJobs) {
        if (maxConcurrentJobs < 1) {
            throw new IllegalArgumentException("maxConcurrentJobs must be at least 1");
        }
        return new Semaphore(maxConcurrentJobs, true);
    }

    /** Called with the new record whenever a data source is created, finishes or is deleted. */
    public void onStatusChange(Consumer<DataSourceRecord> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Accepts an inline upload: checks quotas, decodes the base64 straight to {@code
     * raw/<id>.<ext>} in the workspace folder (fsynced), records the source as {@code processing}
     * and queues its job. When this returns the raw file is durable.
     *
     * @throws ClariException TOO_LARGE above {@link #MAX_BASE64_CHARS}, INVALID_ARGUMENT for bad
     *     base64 or an empty file, QUOTA_EXCEEDED naming the quota, its limit and the use; nothing
     *     is left behind in any of these cases
     */
    public DataSourceRecord upload(String workspaceId, String name, SourceFormat format, CharSequence base64) {
        requireName(name);
        Objects.requireNonNull(format, "format");
        if (base64.length() > MAX_BASE64_CHARS) {
            throw new ClariException(
                    ErrorCode.TOO_LARGE,
                    "data_base64 is " + megabytes(base64.length()) + " MB; upload_data_source takes at most "
                            + megabytes(MAX_BASE64_CHARS) + " MB of base64 (about "
                            + megabytes(MAX_BASE64_CHARS / 4L * 3) + " MB of file). Put the file at a public"
                            + " URL and use ingest_url_data_source instead (up to "
                            + com.claribi.platform.Config.describeBytes(fetcher.maxBytes()) + ").");
        }
        long estimated = Math.max(1, base64.length() / 4L * 3);
        checkQuotas(workspaceId, estimated);
        String id = catalog.newId();
        Path raw = rawFolder(workspaceId).resolve(id + "." + extension(format));
        long bytes = RawFiles.storeBase64(base64, raw, MAX_BASE64_CHARS / 4L * 3);
        return accept(workspaceId, id, name, format, DataSourceRecord.Origin.UPLOAD, Optional.empty(), raw, bytes);
    }

    /** Largest file {@link #ingestUrl} fetches ({@code CLARIBI_URL_FETCH_MAX_BYTES}, 100 MB by default). */
    public long urlMaxBytes() {
        return fetcher.maxBytes();
    }

    /**
     * Fetches {@code url} through the SSRF-safe {@link UrlFetcher} into the workspace folder, then
     * continues as {@link #upload}. The fetch happens within this call; parsing is the job.
     *
     * @throws ClariException INVALID_ARGUMENT for a refused or unreachable URL, TOO_LARGE past {@link
     *     #urlMaxBytes()}, QUOTA_EXCEEDED; nothing is left behind in any of these cases
     */
    public DataSourceRecord ingestUrl(String workspaceId, String name, String url, Optional<SourceFormat> format) {
        requireName(name);
        if (url == null || url.isBlank() || url.length() > 4096) {
            throw ClariException.invalid("url must be an http or https URL of at most 4096 characters");
        }
        checkQuotas(workspaceId, 1);
        String id = catalog.newId();
        Path target = rawFolder(workspaceId).resolve(id + ".download");
        FetchedFile fetched;
        try {
            fetched = fetcher.fetch(url.strip(), target, format);
        } catch (RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
        Path raw = target.resolveSibling(id + "." + extension(fetched.format()));
        try {
            Files.move(fetched.file(), raw, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(fetched.file());
            throw new ClariException(ErrorCode.UNAVAILABLE, "the fetched file could not be stored", e);
        }
        return accept(
                workspaceId,
                id,
                name,
                fetched.format(),
                DataSourceRecord.Origin.URL,
                Optional.of(URI.create(url.strip())),
                raw,
                fetched.bytes());
    }

    private DataSourceRecord accept(
            String workspaceId,
            String id,
            String name,
            SourceFormat format,
            DataSourceRecord.Origin origin,
            Optional<URI> url,
            Path raw,
            long bytes) {
        if (bytes == 0) {
            deleteQuietly(raw);
            throw ClariException.invalid("the file is empty");
        }
        List<Quota> taken = new ArrayList<>();
        try {
            plans.consume(workspaceId, Quota.DATA_SOURCES, 1);
            taken.add(Quota.DATA_SOURCES);
            plans.consume(workspaceId, Quota.UPLOADS, 1);
            taken.add(Quota.UPLOADS);
            plans.consume(workspaceId, Quota.STORAGE_BYTES, bytes);
            taken.add(Quota.STORAGE_BYTES);
            forceDirectory(raw.getParent());
            String relative = RAW_FOLDER + "/" + raw.getFileName();
            DataSourceRecord record = catalog.create(id, workspaceId, name, format, origin, url, relative, bytes);
            submit(workspaceId, id);
            notifyListeners(record);
            return record;
        } catch (RuntimeException e) {
            for (Quota quota : taken) {
                plans.release(workspaceId, quota, quota == Quota.STORAGE_BYTES ? bytes : 1);
            }
            deleteQuietly(raw);
            throw e;
        }
    }

    /**
     * Waits up to {@code wait} for the source to leave {@code processing}, reporting phase changes
     * of a job running on this process. Cancelling ({@code cancelled} turning true) cancels the job:
     * it ends {@code failed} and publishes nothing.
     *
     * @return the record as it is when the wait ends (possibly still {@code processing})
     */
    public DataSourceRecord await(
            String workspaceId, String id, Duration wait, ProgressListener progress, BooleanSupplier cancelled) {
        long end = System.nanoTime() + wait.toNanos();
        Phase reported = null;
        while (true) {
            DataSourceRecord record = catalog.get(workspaceId, id).orElseThrow(() -> notFound(id));
            if (record.status() != DataSourceStatus.PROCESSING) {
                return record;
            }
            Job job = jobs.get(id);
            if (cancelled.getAsBoolean()) {
                if (job != null) {
                    job.cancelled = true;
                }
                return record;
            }
            if (job != null && job.phase != reported) {
                reported = job.phase;
                progress.progress(reported);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return record;
            }
            long step = Math.min(left, TimeUnit.MILLISECONDS.toNanos(200));
            try {
                if (job != null) {
                    job.done.get(step, TimeUnit.NANOSECONDS);
                } else {
                    TimeUnit.NANOSECONDS.sleep(step);
                }
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                // poll again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return record;
            }
        }
    }

    public Optional<DataSourceRecord> get(String workspaceId, String id) {
        if (id == null || !id.matches("ds_[0-9a-z]{26}")) {
            return Optional.empty();
        }
        return catalog.get(workspaceId, id);
    }

    /** The record or NOT_FOUND (also for another workspace's id). */
    public DataSourceRecord require(String workspaceId, String id) {
        return get(workspaceId, id).orElseThrow(() -> notFound(id));
    }

    public DataSourceCatalog.Page list(
            String workspaceId, Optional<DataSourceStatus> status, int limit, Optional<String> cursor) {
        return catalog.list(workspaceId, status, limit, cursor);
    }

    /** Parses a status filter as the tools and routes spell it. */
    public static DataSourceStatus status(String wireName) {
        for (DataSourceStatus status : DataSourceStatus.values()) {
            if (status.wireName().equals(wireName)) {
                return status;
            }
        }
        throw ClariException.invalid("status must be processing, ready or failed");
    }

    /** Up to {@code rows} (0–100) rows of the source's first table; empty unless it is ready. */
    public Optional<Preview> preview(DataSourceRecord record, int rows) {
        if (rows < 0 || rows > 100) {
            throw ClariException.invalid("preview_rows must be 0 to 100");
        }
        if (record.status() != DataSourceStatus.READY || record.tableNames().isEmpty()) {
            return Optional.empty();
        }
        String table = record.tableNames().get(0);
        return Optional.of(workspaces.withConnection(record.workspaceId(), connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT * FROM " + Sql.ident(table) + " LIMIT " + rows)) {
                ResultSetMetaData meta = result.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int column = 1; column <= meta.getColumnCount(); column++) {
                    columns.add(meta.getColumnLabel(column));
                }
                List<List<Object>> values = new ArrayList<>();
                while (result.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int column = 1; column <= columns.size(); column++) {
                        row.add(plain(result.getObject(column)));
                    }
                    values.add(row);
                }
                return new Preview(table, columns, values);
            }
        }));
    }

    /**
     * Deletes a source: its DuckDB tables, its raw file and its catalog row, and gives back its
     * quota. A source still processing is refused (CONFLICT): its job would publish into it.
     *
     * @throws ClariException NOT_FOUND for an unknown id or another workspace's
     */
    public void delete(String workspaceId, String id) {
        DataSourceRecord record = require(workspaceId, id);
        if (record.status() == DataSourceStatus.PROCESSING) {
            throw new ClariException(
                    ErrorCode.CONFLICT,
                    "Data source " + id + " is still processing; wait for it to finish (get_data_source with"
                            + " wait_seconds) and delete it then.");
        }
        workspaces.withConnection(workspaceId, connection -> {
            dropTablesOf(connection, id);
            return null;
        });
        deleteQuietly(workspaces.folder(workspaceId).resolve(record.rawPath()));
        if (catalog.delete(workspaceId, id)) {
            if (record.status() != DataSourceStatus.FAILED) {
                plans.release(workspaceId, Quota.DATA_SOURCES, 1);
            }
            if (record.rawBytes() > 0) {
                plans.release(workspaceId, Quota.STORAGE_BYTES, record.rawBytes());
            }
            notifyListeners(record);
        }
    }

    /**
     * At startup: drops staging tables a crash left behind in every workspace with a source in
     * {@code processing}, then queues those sources again from their stored raw file, or fails them
     * when the raw file is gone or they were started {@value #MAX_ATTEMPTS} times already.
     *
     * <p>Assumes no other live server is processing them (one server per data folder; with a shared
     * PostgreSQL several servers would each resume the same job).
     *
     * @return how many jobs were queued again
     */
    public int resumeInterrupted() {
        List<DataSourceRecord> interrupted = catalog.processing();
        Set<String> cleaned = new LinkedHashSet<>();
        int resumed = 0;
        for (DataSourceRecord record : interrupted) {
            String workspaceId = record.workspaceId();
            try {
                if (cleaned.add(workspaceId)) {
                    int dropped = workspaces.withConnection(workspaceId, Ingestor::dropAbandonedStaging);
                    if (dropped > 0) {
                        log.info("dropped {} abandoned staging tables in workspace {}", dropped, workspaceId);
                    }
                }
                workspaces.withConnection(workspaceId, connection -> {
                    dropTablesOf(connection, record.id());
                    return null;
                });
                Path raw = workspaces.folder(workspaceId).resolve(record.rawPath());
                if (!Files.isRegularFile(raw)) {
                    fail(workspaceId, record.id(), "the stored file is missing; upload it again");
                } else if (catalog.attempts(workspaceId, record.id()) >= MAX_ATTEMPTS) {
                    fail(
                            workspaceId,
                            record.id(),
                            "processing was interrupted " + MAX_ATTEMPTS
                                    + " times by a server restart; the file may be too demanding to process");
                } else {
                    submit(workspaceId, record.id());
                    resumed++;
                }
            } catch (RuntimeException e) {
                log.error("could not resume data source {}", record.id(), e);
            }
        }
        if (!interrupted.isEmpty()) {
            log.info("resumed {} of {} interrupted data-source jobs", resumed, interrupted.size());
        }
        return resumed;
    }

    /** Stops accepting jobs and interrupts running ones; their sources stay processing and resume at next start. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the job ----

    private void submit(String workspaceId, String id) {
        Job job = new Job(workspaceId, id);
        jobs.put(id, job);
        executor.execute(() -> {
            try {
                run(job);
            } finally {
                jobs.remove(id, job);
                job.done.complete(catalog.get(workspaceId, id).orElse(null));
            }
        });
    }

    private void run(Job job) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            return;
        }
        try {
            if (job.cancelled) {
                fail(job.workspaceId, job.id, "cancelled before processing started");
                return;
            }
            if (catalog.startAttempt(job.workspaceId, job.id) == 0) {
                return;
            }
            DataSourceRecord record = catalog.get(job.workspaceId, job.id).orElse(null);
            if (record == null) {
                return;
            }
            Path raw = workspaces.folder(job.workspaceId).resolve(record.rawPath());
            job.phase = Phase.LOADING;
            Ingestor.Result result = workspaces.withConnection(job.workspaceId, connection -> {
                List<LoadedTable> tables = ingestor.load(connection, raw, record.format(), job.id);
                if (job.cancelled || Thread.currentThread().isInterrupted()) {
                    dropTablesOf(connection, job.id);
                    return null;
                }
                job.phase = Phase.PROFILING;
                try {
                    return new Ingestor.Result(tables, ingestor.profile(connection, raw, record.format(), tables));
                } catch (RuntimeException e) {
                    dropTablesOf(connection, job.id);
                    throw e;
                }
            });
            if (result == null) {
                if (job.cancelled) {
                    fail(job.workspaceId, job.id, "cancelled by the client");
                }
                return;
            }
            if (catalog.markReady(job.workspaceId, job.id, result.tables(), result.profile())) {
                job.phase = Phase.DONE;
                catalog.get(job.workspaceId, job.id).ifPresent(this::notifyListeners);
            } else {
                workspaces.withConnection(job.workspaceId, connection -> {
                    dropTablesOf(connection, job.id);
                    return null;
                });
            }
        } catch (ClariException e) {
            if (executor.isShutdown() && e.code() == ErrorCode.UNAVAILABLE) {
                return;
            }
            if (e.code() == ErrorCode.INTERNAL) {
                log.error("data source {} failed", job.id, e);
                fail(job.workspaceId, job.id, "the file could not be processed because of a problem on our side");
            } else {
                fail(job.workspaceId, job.id, e.getMessage());
            }
        } catch (RuntimeException e) {
            log.error("data source {} failed", job.id, e);
            fail(job.workspaceId, job.id, "the file could not be processed because of a problem on our side");
        } finally {
            slots.release();
        }
    }

    private void fail(String workspaceId, String id, String reason) {
        if (catalog.markFailed(workspaceId, id, reason)) {
            plans.release(workspaceId, Quota.DATA_SOURCES, 1);
            catalog.get(workspaceId, id).ifPresent(this::notifyListeners);
        }
    }

    // ---- helpers ----

    private void checkQuotas(String workspaceId, long bytes) {
        plans.check(workspaceId, Quota.DATA_SOURCES, 1);
        plans.check(workspaceId, Quota.UPLOADS, 1);
        plans.check(workspaceId, Quota.STORAGE_BYTES, bytes);
    }

    private Path rawFolder(String workspaceId) {
        try {
            return Files.createDirectories(workspaces.folder(workspaceId).resolve(RAW_FOLDER));
        } catch (IOException e) {
            throw new ClariException(ErrorCode.UNAVAILABLE, "the workspace folder could not be prepared", e);
        }
    }

    /** Drops the tables {@code <id>} and {@code <id>__*} (published or half-dropped). */
    static void dropTablesOf(Connection connection, String id) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                + " WHERE table_name = ? OR starts_with(table_name, ?)")) {
            query.setString(1, id);
            query.setString(2, id + "__");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        for (String name : names) {
            Sql.execute(connection, "DROP TABLE IF EXISTS " + Sql.ident(name));
        }
    }

    private void notifyListeners(DataSourceRecord record) {
        for (Consumer<DataSourceRecord> listener : listeners) {
            try {
                listener.accept(record);
            } catch (RuntimeException e) {
                log.warn("a data-source listener failed", e);
            }
        }
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof Double) {
            double number = ((Number) value).doubleValue();
            return Double.isFinite(number) ? number : value.toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.doubleValue();
        }
        if (value instanceof BigInteger integer) {
            return integer.bitLength() < 63 ? integer.longValue() : integer.toString();
        }
        if (value instanceof java.sql.Array array) {
            try {
                Object[] elements = (Object[]) array.getArray();
                List<Object> out = new ArrayList<>();
                for (Object element : elements) {
                    out.add(plain(element));
                }
                return out.toString();
            } catch (SQLException | ClassCastException e) {
                return array.toString();
            }
        }
        return value.toString();
    }

    private static String extension(SourceFormat format) {
        return switch (format) {
            case CSV -> "csv";
            case TSV -> "tsv";
            case JSON -> "json";
            case EXCEL -> "xlsx";
            case TEXT -> "txt";
            case PDF -> "pdf";
        };
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank() || name.strip().length() > 200) {
            throw ClariException.invalid("name must be 1 to 200 characters");
        }
    }

    private static ClariException notFound(String id) {
        return ClariException.notFound("No data source " + shorten(id) + " in this workspace.");
    }

    private static String shorten(String text) {
        String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    private static void forceDirectory(Path directory) {
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(directory, java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the file itself is already forced
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stray file inside the workspace folder is harmless and is not counted as stored
        }
    }
}
