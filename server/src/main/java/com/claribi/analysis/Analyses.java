package com.claribi.analysis;

import com.claribi.billing.Plans;
import com.claribi.billing.Quota;
import com.claribi.billing.Usage;
import com.claribi.ingest.ColumnProfile;
import com.claribi.ingest.DataSourceCatalog;
import com.claribi.ingest.DataSourceRecord;
import com.claribi.ingest.DataSourceStatus;
import com.claribi.ingest.TableProfile;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.storage.WorkspaceDatabases;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The analysis service behind {@code run_analysis} and {@code get_analysis} (SPEC §2, §4): picks the
 * workspace's ready data sources, maps their ingestion profiles to the engine's {@link
 * TableSchema}, runs {@link AnalysisEngine} on a bounded executor, charges one AI credit per
 * answered question (SPEC §3; none for refusals, failures or cancellations; checked before any
 * work), and keeps every analysis in the metadata store (table {@code analyses}, migration V50).
 *
 * <p>Every read and write is scoped by workspace id: another workspace's analysis or data source id
 * is simply not found (SPEC §6). Thread-safe.
 */
public final class Analyses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Analyses.class);
    private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Duration POLL = Duration.ofMillis(50);
    /**
     * A run still {@code running} this long after its last update, on no server of this process, was
     * abandoned (its server stopped): far beyond the engine's per-query timeout times its queries.
     */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);
    /** Longest {@code wait_seconds} (SPEC §2). */
    public static final int MAX_WAIT_SECONDS = 60;

    private final AnalysisEngine engine;
    private final DataSourceCatalog catalog;
    private final WorkspaceDatabases workspaces;
    private final Plans plans;
    private final Jdbi jdbi;
    private final JsonMapper json;
    private final Clock clock;
    private final int maxQuestionLength;
    private final ThreadPoolExecutor executor;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Job> running = new ConcurrentHashMap<>();
    /** Schemas per data source version, with the distinct values the planner matches words against. */
    private final Cache<String, List<TableSchema>> schemas =
            Caffeine.newBuilder().maximumSize(1000).build();

    /**
     * @param threads analyses that may run at once on this server; up to 4 × that many more wait in
     *     a queue, beyond which a call is refused as busy
     */
    public Analyses(
            AnalysisEngine engine,
            AnalysisLimits limits,
            DataSourceCatalog catalog,
            WorkspaceDatabases workspaces,
            Plans plans,
            Jdbi jdbi,
            JsonMapper json,
            Clock clock,
            int threads) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.maxQuestionLength = limits.maxQuestionLength();
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.workspaces = Objects.requireNonNull(workspaces, "workspaces");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = new ThreadPoolExecutor(
                threads,
                threads,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 4),
                Thread.ofPlatform().name("analysis-", 0).daemon(true).factory());
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Watches one call: where progress goes and whether the caller gave up. */
    public interface Watcher {
        Watcher NONE = new Watcher() {
            @Override
            public void progress(double fraction, String message) {}

            @Override
            public boolean cancelled() {
                return false;
            }
        };

        /** Called on the caller's thread with an increasing fraction in 0..1. */
        void progress(double fraction, String message);

        /** True once the caller cancelled; the analysis stops being charged and ends as failed. */
        boolean cancelled();
    }

    /**
     * One analysis as the caller sees it.
     *
     * @param payload the SPEC §4 payload as JSON ({@code answer} is absent while running)
     * @param chartPng the chart as PNG when the answer has one
     */
    public record View(String id, String status, ObjectNode payload, Optional<byte[]> chartPng) {
        public View {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(chartPng, "chartPng");
        }

        /** {@code answer.text}, or a sentence saying the analysis is still running. */
        public String text() {
            String text = payload.path("answer").path("text").asString("");
            return text.isEmpty() ? "The analysis " + id + " is still running; ask get_analysis for it." : text;
        }
    }

    /**
     * Starts an analysis and waits up to {@code wait} for it. Past the wait the view has status
     * {@code running} (never an error); {@link #get} returns it later.
     *
     * @param dataSourceIds the data sources to answer from; empty means every ready one
     * @throws ClariException INVALID_ARGUMENT (empty/over-long question, source not ready, no data),
     *     NOT_FOUND (unknown or foreign data source id), QUOTA_EXCEEDED (no AI credit left),
     *     UNAVAILABLE (too many analyses queued)
     */
    public View run(String workspaceId, String question, List<String> dataSourceIds, Duration wait, Watcher watcher) {
        String asked = validQuestion(question);
        List<DataSourceRecord> sources = readySources(workspaceId, dataSourceIds);
        Usage.Meter credits = plans.meter(workspaceId, Quota.AI_CREDITS);
        if (credits.remaining() < 1) {
            plans.check(workspaceId, Quota.AI_CREDITS, 1); // throws QUOTA_EXCEEDED worded per SPEC §3
        }
        int remaining = (int) Math.min(Integer.MAX_VALUE, credits.remaining());
        String id = newId("an_");
        List<String> sourceIds = sources.stream().map(DataSourceRecord::id).toList();
        View started = view(id, new AnalysisPayload(id, "running", asked, null, null, null, sourceIds, 0, remaining));
        Job job = new Job(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), sourceIds);
        running.put(id, job);
        try {
            job.result = CompletableFuture.supplyAsync(() -> execute(workspaceId, id, asked, sources, job), executor);
        } catch (RejectedExecutionException e) {
            running.remove(id);
            throw new ClariException(
                    ErrorCode.UNAVAILABLE, "Too many analyses are running right now; try again in a few seconds.");
        }
        job.result.whenComplete((view, failure) -> running.remove(id));
        Optional<View> finished = await(workspaceId, id, job, wait, watcher);
        if (finished.isPresent()) {
            return finished.get();
        }
        // Still running when the wait ended (or the caller cancelled): the id goes out now, so its row
        // must exist for get_analysis, here and on any server sharing the metadata store.
        synchronized (job) {
            if (!job.written) {
                try {
                    jdbi.useHandle(handle -> insert(handle, workspaceId, started, asked, job));
                } catch (RuntimeException e) {
                    job.cancelled = true; // nobody can ask for this run: stop it uncharged
                    throw e;
                }
                job.written = true;
                return started;
            }
        }
        return job.result.isDone() ? job.result.join() : started;
    }

    /**
     * The analysis {@code id} of this workspace, waiting up to {@code wait} while it runs.
     *
     * @throws ClariException NOT_FOUND for an unknown id or another workspace's
     */
    public View get(String workspaceId, String id, Duration wait, Watcher watcher) {
        View stored = stored(workspaceId, id)
                .orElseThrow(() -> ClariException.notFound("No analysis " + shortId(id) + " in this workspace."));
        if (stored.status().equals("running") && !running.containsKey(id)) {
            stored = failIfAbandoned(workspaceId, stored).orElse(stored);
        }
        if (!stored.status().equals("running") || wait.isZero()) {
            return stored;
        }
        Job job = running.get(id);
        if (job != null) {
            return await(workspaceId, id, job, wait, watcher).orElse(stored);
        }
        Optional<View> abandoned = failIfAbandoned(workspaceId, stored);
        if (abandoned.isPresent()) {
            return abandoned.get();
        }
        // Running on another server sharing the metadata store: poll the row.
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && !watcher.cancelled()) {
            sleep(Duration.ofMillis(200));
            View now = stored(workspaceId, id).orElse(stored);
            if (!now.status().equals("running")) {
                return now;
            }
        }
        return stored;
    }

    /**
     * Answers {@code question} now, without charging or storing anything, under the id {@code id}:
     * how dashboards re-run a pinned question when read (the credit was paid when it was asked).
     * Failures come back as a {@code failed} view, never as an exception.
     */
    public View evaluate(String workspaceId, String id, String question, List<String> dataSourceIds) {
        try {
            List<DataSourceRecord> sources = readySources(workspaceId, dataSourceIds);
            AnalysisOutcome outcome = workspaces.withConnection(
                    workspaceId, connection -> engine.analyze(connection, question, tables(connection, sources)));
            return view(id, AnalysisPayload.of(id, question, outcome, 0, null), outcome);
        } catch (ClariException e) {
            return failedView(id, question, dataSourceIds, message(e), null);
        }
    }

    /** The analysis row's question and data sources, for pinning it to a dashboard. */
    public record Asked(String id, String question, List<String> dataSourceIds) {
        public Asked {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(question, "question");
            dataSourceIds = List.copyOf(dataSourceIds);
        }
    }

    /** What analysis {@code id} asked, when it belongs to this workspace. */
    public Optional<Asked> asked(String workspaceId, String id) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT question, data_source_ids FROM analyses WHERE workspace_id = :workspace AND id = :id")
                .bind("workspace", workspaceId)
                .bind("id", id)
                .map((rows, context) -> new Asked(id, rows.getString(1), lines(rows.getString(2))))
                .findOne());
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the job ----

    /**
     * A running analysis on this server. Its row in {@code analyses} is written once when it ends
     * within the caller's wait (the usual case: one INSERT, in the same transaction as its credit),
     * or as {@code running} when the wait ends first and then updated; {@code written}, guarded by
     * the job's monitor, says which.
     */
    private static final class Job {
        final AtomicReference<Step> step = new AtomicReference<>(new Step(0.05, "Queued"));
        final OffsetDateTime createdAt;
        final List<String> sourceIds;
        volatile boolean cancelled;
        volatile CompletableFuture<View> result;
        /** Whether the row exists. Guarded by this. */
        boolean written;

        Job(OffsetDateTime createdAt, List<String> sourceIds) {
            this.createdAt = createdAt;
            this.sourceIds = sourceIds;
        }
    }

    private record Step(double fraction, String message) {}

    private View execute(String workspaceId, String id, String question, List<DataSourceRecord> sources, Job job) {
        View finished;
        boolean stored = false;
        try {
            job.step.set(new Step(0.2, "Reading the data sources' schemas"));
            AnalysisOutcome outcome = workspaces.withConnection(workspaceId, connection -> {
                List<TableSchema> tables = tables(connection, sources);
                job.step.set(new Step(0.4, "Planning and running the queries"));
                return engine.analyze(connection, question, tables);
            });
            job.step.set(new Step(0.9, "Wording the answer"));
            finished = switch (outcome) {
                case AnalysisOutcome.Answered answered -> {
                    if (job.cancelled) {
                        yield failedView(
                                id,
                                question,
                                ids(sources),
                                "The analysis was cancelled; nothing was charged.",
                                workspaceId);
                    }
                    View charged = chargeAndStore(workspaceId, id, question, sources, answered, job);
                    stored = true;
                    yield charged;
                }
                case AnalysisOutcome.Unanswerable unanswerable ->
                    view(id, AnalysisPayload.of(id, question, unanswerable, 0, remaining(workspaceId)), unanswerable);
            };
        } catch (ClariException e) {
            finished = failedView(id, question, ids(sources), message(e), workspaceId);
        } catch (RuntimeException e) {
            log.error("analysis {} failed", id, e);
            finished =
                    failedView(id, question, ids(sources), "The analysis failed on our side; try again.", workspaceId);
        }
        if (!stored) {
            store(workspaceId, finished, question, job);
        }
        return finished;
    }

    /**
     * Charges the answer's credit and stores it in one transaction (one commit); when the credit is
     * gone by now (another call took the last one) the analysis is stored failed and uncharged.
     */
    private View chargeAndStore(
            String workspaceId,
            String id,
            String question,
            List<DataSourceRecord> sources,
            AnalysisOutcome.Answered answered,
            Job job) {
        synchronized (job) {
            try {
                View stored = jdbi.inTransaction(handle -> {
                    Usage.Meter meter = plans.consume(handle, workspaceId, Quota.AI_CREDITS, 1);
                    int remaining = (int) Math.min(Integer.MAX_VALUE, meter.remaining());
                    View view = view(id, AnalysisPayload.of(id, question, answered, 1, remaining));
                    write(handle, workspaceId, view, question, job);
                    return view;
                });
                // the chart has been drawing on another thread meanwhile; it is not stored (see stored())
                return new View(stored.id(), stored.status(), stored.payload(), answered.chartPng());
            } catch (ClariException e) {
                if (e.code() != ErrorCode.QUOTA_EXCEEDED) {
                    throw e;
                }
                View failed = failedView(id, question, ids(sources), e.getMessage(), workspaceId);
                store(workspaceId, failed, question, job);
                return failed;
            }
        }
    }

    private Optional<View> await(String workspaceId, String id, Job job, Duration wait, Watcher watcher) {
        long deadline = System.nanoTime() + wait.toNanos();
        Step reported = null;
        while (true) {
            CompletableFuture<View> result = job.result;
            if (result != null && result.isDone()) {
                return Optional.of(result.join());
            }
            if (watcher.cancelled()) {
                job.cancelled = true;
                return Optional.empty();
            }
            Step step = job.step.get();
            if (step != reported) {
                watcher.progress(step.fraction(), step.message());
                reported = step;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                if (result != null) {
                    return Optional.of(result.get(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS));
                }
                sleep(POLL);
            } catch (java.util.concurrent.TimeoutException e) {
                // poll again: report progress, notice cancellation
            } catch (java.util.concurrent.ExecutionException e) {
                return stored(workspaceId, id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /**
     * Marks a run left {@code running} by a server that stopped as failed (uncharged), once it is
     * older than {@link #ABANDONED_AFTER}; the conditional update keeps a late finisher's result.
     */
    private Optional<View> failIfAbandoned(String workspaceId, View stored) {
        Optional<java.time.Instant> updated = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT updated_at FROM analyses WHERE workspace_id = :workspace AND id = :id")
                .bind("workspace", workspaceId)
                .bind("id", stored.id())
                .map((rows, context) -> rows.getObject(1, OffsetDateTime.class).toInstant())
                .findOne());
        if (updated.isEmpty() || updated.get().plus(ABANDONED_AFTER).isAfter(clock.instant())) {
            return Optional.empty();
        }
        View failed = failedView(
                stored.id(),
                stored.payload().path("question").asString(""),
                stored.payload()
                        .path("data_sources_used")
                        .valueStream()
                        .map(node -> node.asString())
                        .toList(),
                "This analysis was interrupted (the server running it stopped); nothing was charged. Ask again.",
                workspaceId);
        int changed = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE analyses SET status = 'failed', payload_json ="
                                + " :payload, updated_at = :now WHERE workspace_id = :workspace AND id = :id AND status = 'running'")
                .bind("payload", json.writeValueAsString(failed.payload()))
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .bind("workspace", workspaceId)
                .bind("id", stored.id())
                .execute());
        return changed == 1 ? Optional.of(failed) : stored(workspaceId, stored.id());
    }

    // ---- data sources → engine schemas ----

    private List<DataSourceRecord> readySources(String workspaceId, List<String> dataSourceIds) {
        List<DataSourceRecord> sources = new ArrayList<>();
        if (dataSourceIds.isEmpty()) {
            Optional<String> cursor = Optional.empty();
            do {
                DataSourceCatalog.Page page =
                        catalog.list(workspaceId, Optional.of(DataSourceStatus.READY), 100, cursor);
                sources.addAll(page.items());
                cursor = page.nextCursor();
            } while (cursor.isPresent() && sources.size() < 1000);
            if (sources.isEmpty()) {
                throw ClariException.invalid("This workspace has no ready data source to answer from. Upload one with"
                        + " upload_data_source (or wait until one being processed is ready), then ask again.");
            }
            return sources;
        }
        if (dataSourceIds.size() > 20) {
            throw ClariException.invalid("data_source_ids may name at most 20 data sources.");
        }
        for (String id : new LinkedHashSet<>(dataSourceIds)) {
            DataSourceRecord record = (id == null || id.length() > 40
                            ? Optional.<DataSourceRecord>empty()
                            : catalog.get(workspaceId, id))
                    .orElseThrow(() -> ClariException.notFound(
                            "No data source " + shortId(id) + " in this workspace; list_data_sources shows the ids."));
            if (record.status() != DataSourceStatus.READY) {
                throw ClariException.invalid(
                        "Data source " + record.id() + " is " + record.status().wireName()
                                + (record.status() == DataSourceStatus.PROCESSING
                                        ? "; wait until it is ready (get_data_source shows its status), then ask again."
                                        : "; upload it again or ask about another data source."));
            }
            sources.add(record);
        }
        return sources;
    }

    private List<TableSchema> tables(java.sql.Connection connection, List<DataSourceRecord> sources) {
        List<TableSchema> tables = new ArrayList<>();
        for (DataSourceRecord source : sources) {
            String key = source.workspaceId() + "/" + source.id() + "/" + source.updatedAt();
            tables.addAll(schemas.get(key, ignored -> schemasOf(connection, source)));
        }
        if (tables.isEmpty()) {
            throw ClariException.invalid("The chosen data sources hold no tables to answer from.");
        }
        return tables;
    }

    private static List<TableSchema> schemasOf(java.sql.Connection connection, DataSourceRecord source) {
        List<TableSchema> tables = new ArrayList<>();
        if (source.profile().isEmpty()) {
            return tables;
        }
        List<TableProfile> profiles = source.profile().get().tables();
        for (TableProfile profile : profiles) {
            if (profile.columns().isEmpty()) {
                continue;
            }
            List<ColumnInfo> columns = new ArrayList<>();
            for (ColumnProfile column : profile.columns()) {
                columns.add(new ColumnInfo(
                        column.name(),
                        column.sqlType(),
                        ColumnRole.valueOf(column.role().name()),
                        List.of(),
                        column.distinctCount(),
                        column.min(),
                        column.max()));
            }
            String name = profiles.size() == 1 ? source.name() : source.name() + " - " + profile.sourceName();
            tables.add(AnalysisEngine.withValues(
                    connection, new TableSchema(source.id(), name, profile.tableName(), columns, profile.rowCount())));
        }
        return tables;
    }

    // ---- persistence and views ----

    private void store(String workspaceId, View view, String question, Job job) {
        synchronized (job) {
            jdbi.useHandle(handle -> write(handle, workspaceId, view, question, job));
        }
    }

    /** Writes a finished view: its row's first write, or the update of its {@code running} row. */
    private void write(org.jdbi.v3.core.Handle handle, String workspaceId, View view, String question, Job job) {
        if (!job.written) {
            insert(handle, workspaceId, view, question, job);
            job.written = true;
            return;
        }
        handle.createUpdate("UPDATE analyses SET status = :status, payload_json = :payload,"
                        + " credits_used = :credits, updated_at = :now"
                        + " WHERE workspace_id = :workspace AND id = :id")
                .bind("status", view.status())
                .bind("payload", json.writeValueAsString(view.payload()))
                .bind("credits", view.payload().path("credits_used").asInt(0))
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .bind("workspace", workspaceId)
                .bind("id", view.id())
                .execute();
    }

    private void insert(org.jdbi.v3.core.Handle handle, String workspaceId, View view, String question, Job job) {
        handle.createUpdate("INSERT INTO analyses (id, workspace_id, question, data_source_ids, status,"
                        + " payload_json, credits_used, created_at, updated_at)"
                        + " VALUES (:id, :workspace, :question, :sources, :status, :payload, :credits, :created, :now)")
                .bind("id", view.id())
                .bind("workspace", workspaceId)
                .bind("question", question)
                .bind("sources", String.join("\n", job.sourceIds))
                .bind("status", view.status())
                .bind("payload", json.writeValueAsString(view.payload()))
                .bind("credits", view.payload().path("credits_used").asInt(0))
                .bind("created", job.createdAt)
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .execute();
    }

    /**
     * The stored analysis. Its chart is drawn again from the stored answer (chart spec and table):
     * rows keep no PNG, so that storing an answer does not wait for its chart to be drawn.
     */
    private Optional<View> stored(String workspaceId, String id) {
        if (id == null || !id.matches("an_[0-9a-z]{26}")) {
            return Optional.empty();
        }
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT status, payload_json FROM analyses WHERE workspace_id = :workspace AND id = :id")
                .bind("workspace", workspaceId)
                .bind("id", id)
                .map((rows, context) -> {
                    ObjectNode payload = (ObjectNode) json.readTree(rows.getString(2));
                    return new View(id, rows.getString(1), payload, chartOf(payload));
                })
                .findOne());
    }

    private Optional<byte[]> chartOf(ObjectNode payload) {
        JsonNode answer = payload.path("answer");
        if (!answer.has("chart") || !answer.has("table")) {
            return Optional.empty();
        }
        try {
            return ChartRenderer.png(
                    payload.path("question").asString(""), json.treeToValue(answer, AnalysisPayload.Answer.class));
        } catch (RuntimeException e) {
            // like a chart that fails to draw when asked: the stored answer is returned without image
            log.warn(
                    "stored analysis {}: its chart could not be read back",
                    payload.path("id").asString(""));
            return Optional.empty();
        }
    }

    private View view(String id, AnalysisPayload payload) {
        return new View(id, payload.status(), json.valueToTree(payload), Optional.empty());
    }

    private View view(String id, AnalysisPayload payload, AnalysisOutcome outcome) {
        Optional<byte[]> png =
                outcome instanceof AnalysisOutcome.Answered answered ? answered.chartPng() : Optional.empty();
        return new View(id, payload.status(), json.valueToTree(payload), png);
    }

    private View failedView(String id, String question, List<String> sourceIds, String message, String workspaceId) {
        AnalysisPayload.Answer answer =
                new AnalysisPayload.Answer(message, null, null, null, null, null, List.of(message));
        return view(
                id,
                new AnalysisPayload(
                        id,
                        "failed",
                        question,
                        answer,
                        List.of(),
                        List.of(),
                        sourceIds,
                        0,
                        workspaceId == null ? null : remaining(workspaceId)));
    }

    private Integer remaining(String workspaceId) {
        return (int) Math.min(
                Integer.MAX_VALUE, plans.meter(workspaceId, Quota.AI_CREDITS).remaining());
    }

    private String validQuestion(String question) {
        if (question == null || question.isBlank()) {
            throw ClariException.invalid("question must not be empty: ask something about your data, such as"
                    + " \"what was revenue by region last quarter?\"");
        }
        String asked = question.strip();
        if (asked.length() > maxQuestionLength) {
            throw ClariException.invalid(
                    "question is longer than " + maxQuestionLength + " characters; ask a shorter one.");
        }
        return asked;
    }

    private static String message(ClariException e) {
        return e.code() == ErrorCode.INTERNAL ? "The analysis failed on our side; try again." : e.getMessage();
    }

    private static List<String> ids(List<DataSourceRecord> sources) {
        return sources.stream().map(DataSourceRecord::id).toList();
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** An id as it may be echoed back: printable and short, so a hostile id cannot flood a message. */
    static String shortId(String id) {
        if (id == null) {
            return "(none)";
        }
        String clean = id.replaceAll("[^A-Za-z0-9_-]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code prefix} + 10 base-32 characters of milliseconds + 16 random ones: time-ordered, unguessable. */
    private String newId(String prefix) {
        long millis = clock.millis();
        char[] id = new char[26];
        for (int index = 9; index >= 0; index--) {
            id[index] = BASE32[(int) (millis & 31)];
            millis >>>= 5;
        }
        for (int index = 10; index < 26; index++) {
            id[index] = BASE32[random.nextInt(32)];
        }
        return prefix + new String(id);
    }
}
