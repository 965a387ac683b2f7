package com.claribi.dashboards;

import com.claribi.analysis.Analyses;
import com.claribi.platform.ClariException;
import com.claribi.storage.MetadataStore;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Dashboards (SPEC §2 {@code list_dashboards}, {@code get_dashboard}, {@code save_to_dashboard},
 * {@code claribi://dashboards/{id}}, REST {@code /api/v1/dashboards}): named lists of widgets, each a
 * pinned question. Reading a dashboard re-asks every widget's question against the same data
 * sources, so widgets always show the latest data; that re-run is not charged (the credit was paid
 * when the question was first asked). Tables {@code dashboards}, {@code dashboard_widgets}
 * (migration V50); every query is scoped by workspace id, so foreign ids are not found. Thread-safe.
 */
public final class Dashboards {
    private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final String ID = "[0-9a-z]{26}";
    /** Most widgets on one dashboard (each is re-run on read). */
    public static final int MAX_WIDGETS = 24;
    /** Most dashboards in one workspace. */
    public static final int MAX_DASHBOARDS = 200;

    private final Analyses analyses;
    private final Jdbi jdbi;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Dashboards(Analyses analyses, Jdbi jdbi, Clock clock) {
        this.analyses = Objects.requireNonNull(analyses, "analyses");
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A dashboard without its widgets' results. */
    public record Dashboard(String id, String name, int widgetCount, Instant createdAt, Instant updatedAt) {
        public Dashboard {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(updatedAt, "updatedAt");
        }
    }

    /**
     * A pinned question and its latest result.
     *
     * @param analysisId the analysis it was pinned from
     * @param latest the question answered again now
     */
    public record Widget(
            String id,
            String analysisId,
            String question,
            List<String> dataSourceIds,
            Instant createdAt,
            Optional<Analyses.View> latest) {
        public Widget {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(analysisId, "analysisId");
            Objects.requireNonNull(question, "question");
            dataSourceIds = List.copyOf(dataSourceIds);
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(latest, "latest");
        }
    }

    /** A dashboard with its widgets. */
    public record Detail(Dashboard dashboard, List<Widget> widgets) {
        public Detail {
            Objects.requireNonNull(dashboard, "dashboard");
            widgets = List.copyOf(widgets);
        }
    }

    /** One page of a listing; {@code nextCursor} is empty on the last page. */
    public record Page(List<Dashboard> items, Optional<String> nextCursor) {
        public Page {
            items = List.copyOf(items);
            Objects.requireNonNull(nextCursor, "nextCursor");
        }
    }

    /** What pinning did. */
    public record Pinned(Dashboard dashboard, String widgetId, boolean dashboardCreated) {}

    /** Newest first, {@code limit} (1–100) at a time. */
    public Page list(String workspaceId, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > 100) {
            throw ClariException.invalid("limit must be 1 to 100");
        }
        if (cursor.isPresent() && !cursor.get().matches("db_" + ID)) {
            throw ClariException.invalid("cursor is not one this server returned");
        }
        List<Dashboard> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT d.*, (SELECT count(*) FROM"
                        + " dashboard_widgets w WHERE w.dashboard_id = d.id) AS widgets FROM dashboards d"
                        + " WHERE d.workspace_id = :workspace"
                        + (cursor.isPresent() ? " AND d.id < :cursor" : "")
                        + " ORDER BY d.id DESC LIMIT :limit")
                .bind("workspace", workspaceId)
                .bind("cursor", cursor.orElse(null))
                .bind("limit", limit + 1)
                .map((result, context) -> dashboard(result))
                .list());
        boolean more = rows.size() > limit;
        List<Dashboard> page = more ? rows.subList(0, limit) : rows;
        return new Page(page, more ? Optional.of(page.getLast().id()) : Optional.empty());
    }

    /** The dashboard without re-running its widgets. */
    public Optional<Dashboard> find(String workspaceId, String id) {
        if (id == null || !id.matches("db_" + ID)) {
            return Optional.empty();
        }
        return jdbi.withHandle(handle -> find(handle, workspaceId, id));
    }

    /**
     * The dashboard with every widget's question answered again now.
     *
     * @throws ClariException NOT_FOUND for an unknown or foreign id
     */
    public Detail get(String workspaceId, String id) {
        Dashboard dashboard = find(workspaceId, id).orElseThrow(() -> notFound(id));
        List<Widget> pinned = widgets(workspaceId, id);
        List<Widget> widgets = new ArrayList<>();
        for (Widget widget : pinned) {
            widgets.add(new Widget(
                    widget.id(),
                    widget.analysisId(),
                    widget.question(),
                    widget.dataSourceIds(),
                    widget.createdAt(),
                    Optional.of(analyses.evaluate(
                            workspaceId, widget.analysisId(), widget.question(), widget.dataSourceIds()))));
        }
        return new Detail(dashboard, widgets);
    }

    /** @throws ClariException CONFLICT when the name is taken, INVALID_ARGUMENT for a bad name */
    public Dashboard create(String workspaceId, String name) {
        String clean = validName(name);
        return jdbi.inTransaction(handle -> create(handle, workspaceId, clean));
    }

    public Dashboard rename(String workspaceId, String id, String name) {
        String clean = validName(name);
        find(workspaceId, id).orElseThrow(() -> notFound(id));
        MetadataStore.unique(
                "A dashboard named \"" + clean + "\" already exists.",
                () -> jdbi.withHandle(handle -> handle.createUpdate(
                                "UPDATE dashboards SET name = :name, updated_at = :now WHERE workspace_id = :workspace AND id = :id")
                        .bind("name", clean)
                        .bind("now", now())
                        .bind("workspace", workspaceId)
                        .bind("id", id)
                        .execute()));
        return find(workspaceId, id).orElseThrow(() -> notFound(id));
    }

    /** @return false when there was no such dashboard in this workspace */
    public boolean delete(String workspaceId, String id) {
        if (id == null || !id.matches("db_" + ID)) {
            return false;
        }
        return jdbi.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM dashboard_widgets WHERE workspace_id = :workspace AND dashboard_id = :id")
                    .bind("workspace", workspaceId)
                    .bind("id", id)
                    .execute();
            return handle.createUpdate("DELETE FROM dashboards WHERE workspace_id = :workspace AND id = :id")
                            .bind("workspace", workspaceId)
                            .bind("id", id)
                            .execute()
                    == 1;
        });
    }

    /** @return false when the dashboard or the widget is not there */
    public boolean removeWidget(String workspaceId, String dashboardId, String widgetId) {
        if (widgetId == null
                || !widgetId.matches("wg_" + ID)
                || find(workspaceId, dashboardId).isEmpty()) {
            return false;
        }
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM dashboard_widgets WHERE workspace_id ="
                                + " :workspace AND dashboard_id = :dashboard AND id = :id")
                        .bind("workspace", workspaceId)
                        .bind("dashboard", dashboardId)
                        .bind("id", widgetId)
                        .execute())
                == 1;
    }

    /**
     * Pins analysis {@code analysisId} to the dashboard {@code target} names: a {@code db_…} id of an
     * existing dashboard, else a name (created when no dashboard has it).
     *
     * @throws ClariException NOT_FOUND for an unknown analysis or dashboard id, INVALID_ARGUMENT when
     *     the dashboard is full or the name is bad
     */
    public Pinned pin(String workspaceId, String target, String analysisId) {
        Analyses.Asked asked = analyses.asked(workspaceId, analysisId)
                .orElseThrow(() -> ClariException.notFound("No analysis " + analysisId + " in this workspace."));
        boolean byId = target != null && target.matches("db_" + ID);
        String name = byId ? null : validName(target);
        try {
            return jdbi.inTransaction(handle -> pin(handle, workspaceId, target, byId, name, asked));
        } catch (RuntimeException e) {
            if (!byId && MetadataStore.isUniqueViolation(e)) {
                // Another call created the same name at the same time: pin to that one.
                return jdbi.inTransaction(handle -> pin(handle, workspaceId, target, false, name, asked));
            }
            throw e;
        }
    }

    private Pinned pin(
            Handle handle, String workspaceId, String target, boolean byId, String name, Analyses.Asked asked) {
        Optional<Dashboard> existing = byId
                ? find(handle, workspaceId, target)
                : handle.createQuery(
                                "SELECT d.*, 0 AS widgets FROM dashboards d WHERE workspace_id = :workspace AND name = :name")
                        .bind("workspace", workspaceId)
                        .bind("name", name)
                        .map((rows, context) -> dashboard(rows))
                        .findOne();
        if (byId && existing.isEmpty()) {
            throw notFound(target);
        }
        boolean created = existing.isEmpty();
        Dashboard dashboard = existing.orElseGet(() -> create(handle, workspaceId, name));
        long widgets = handle.createQuery("SELECT count(*) FROM dashboard_widgets WHERE dashboard_id = :id")
                .bind("id", dashboard.id())
                .mapTo(Long.class)
                .one();
        if (widgets >= MAX_WIDGETS) {
            throw ClariException.invalid("Dashboard \"" + dashboard.name() + "\" already has " + MAX_WIDGETS
                    + " widgets, the most one dashboard holds; remove one or pin to another dashboard.");
        }
        String widgetId = newId("wg_");
        handle.createUpdate(
                        "INSERT INTO dashboard_widgets (id, dashboard_id, workspace_id, analysis_id, question,"
                                + " data_source_ids, created_at) VALUES (:id, :dashboard, :workspace, :analysis, :question, :sources, :now)")
                .bind("id", widgetId)
                .bind("dashboard", dashboard.id())
                .bind("workspace", workspaceId)
                .bind("analysis", asked.id())
                .bind("question", asked.question())
                .bind("sources", String.join("\n", asked.dataSourceIds()))
                .bind("now", now())
                .execute();
        handle.createUpdate("UPDATE dashboards SET updated_at = :now WHERE id = :id")
                .bind("now", now())
                .bind("id", dashboard.id())
                .execute();
        return new Pinned(find(handle, workspaceId, dashboard.id()).orElseThrow(), widgetId, created);
    }

    private Dashboard create(Handle handle, String workspaceId, String name) {
        long count = handle.createQuery("SELECT count(*) FROM dashboards WHERE workspace_id = :workspace")
                .bind("workspace", workspaceId)
                .mapTo(Long.class)
                .one();
        if (count >= MAX_DASHBOARDS) {
            throw ClariException.invalid("This workspace already has " + MAX_DASHBOARDS
                    + " dashboards, the most it may hold; delete one first.");
        }
        String id = newId("db_");
        MetadataStore.unique(
                "A dashboard named \"" + name + "\" already exists.",
                () -> handle.createUpdate("INSERT INTO dashboards (id, workspace_id, name, created_at, updated_at)"
                                + " VALUES (:id, :workspace, :name, :now, :now)")
                        .bind("id", id)
                        .bind("workspace", workspaceId)
                        .bind("name", name)
                        .bind("now", now())
                        .execute());
        return find(handle, workspaceId, id).orElseThrow();
    }

    private List<Widget> widgets(String workspaceId, String dashboardId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM dashboard_widgets WHERE workspace_id ="
                        + " :workspace AND dashboard_id = :dashboard ORDER BY id")
                .bind("workspace", workspaceId)
                .bind("dashboard", dashboardId)
                .map((rows, context) -> new Widget(
                        rows.getString("id"),
                        rows.getString("analysis_id"),
                        rows.getString("question"),
                        lines(rows.getString("data_source_ids")),
                        rows.getObject("created_at", OffsetDateTime.class).toInstant(),
                        Optional.empty()))
                .list());
    }

    private static Optional<Dashboard> find(Handle handle, String workspaceId, String id) {
        return handle.createQuery("SELECT d.*, (SELECT count(*) FROM dashboard_widgets w WHERE w.dashboard_id = d.id)"
                        + " AS widgets FROM dashboards d WHERE d.workspace_id = :workspace AND d.id = :id")
                .bind("workspace", workspaceId)
                .bind("id", id)
                .map((rows, context) -> dashboard(rows))
                .findOne();
    }

    private static Dashboard dashboard(ResultSet rows) throws SQLException {
        return new Dashboard(
                rows.getString("id"),
                rows.getString("name"),
                rows.getInt("widgets"),
                rows.getObject("created_at", OffsetDateTime.class).toInstant(),
                rows.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static String validName(String name) {
        if (name == null || name.isBlank()) {
            throw ClariException.invalid("A dashboard name must not be empty.");
        }
        String clean = name.strip();
        if (clean.length() > 200 || clean.chars().anyMatch(Character::isISOControl)) {
            throw ClariException.invalid("A dashboard name is 1 to 200 characters without control characters.");
        }
        return clean;
    }

    private static ClariException notFound(String id) {
        String shown = id == null ? "(none)" : id.replaceAll("[^A-Za-z0-9_-]", "?");
        return ClariException.notFound("No dashboard " + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown)
                + " in this workspace; list_dashboards shows the ids.");
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

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
