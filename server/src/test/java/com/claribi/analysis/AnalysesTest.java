package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.Application;
import com.claribi.accounts.Accounts;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.billing.Plans;
import com.claribi.billing.Pricing;
import com.claribi.billing.Quota;
import com.claribi.ingest.DataSourceCatalog;
import com.claribi.platform.ClariException;
import com.claribi.platform.Config;
import com.claribi.platform.ErrorCode;
import com.claribi.platform.Json;
import com.claribi.storage.MetadataStore;
import com.claribi.storage.WorkspaceDatabases;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.MutableClock;
import com.claribi.testsupport.SalesCsv;
import com.claribi.testsupport.SeededWorkspaces;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The analysis service against both metadata stores: persistence, cancellation (never charged),
 * progress reporting, and the refusals that come before any work.
 */
class AnalysesTest {
    @TempDir
    Path home;

    private static long used(Application application, String workspaceId) {
        return application.plans().usage(workspaceId).of(Quota.AI_CREDITS).used();
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aCancelledAnalysisEndsFailedAndIsNotCharged(MetadataStores stores) {
        try (Application application = Application.start(
                stores.configure(Config.defaults().withHome(home).withPort(0)))) {
            SeededWorkspaces.Seeded acme =
                    SeededWorkspaces.trialWorkspace(application, "Acme", EnumSet.allOf(Scope.class));
            SeededWorkspaces.csvDataSource(
                    application, acme.workspaceId(), "Sales", SalesCsv.csv(SalesCsv.orders(1, 300)));
            Analyses analyses = application.analyses();
            List<Double> progress = new ArrayList<>();

            Analyses.View cancelled = analyses.run(
                    acme.workspaceId(), "revenue by region", List.of(), Duration.ofSeconds(30), new Analyses.Watcher() {
                        @Override
                        public void progress(double fraction, String message) {
                            progress.add(fraction);
                        }

                        @Override
                        public boolean cancelled() {
                            return true;
                        }
                    });
            assertThat(cancelled.status()).isEqualTo("running");
            Analyses.View after =
                    analyses.get(acme.workspaceId(), cancelled.id(), Duration.ofSeconds(30), Analyses.Watcher.NONE);
            assertThat(after.status()).isEqualTo("failed");
            assertThat(after.text()).contains("cancelled");
            assertThat(used(application, acme.workspaceId())).isZero();

            List<Double> seen = new ArrayList<>();
            Analyses.View answered = analyses.run(
                    acme.workspaceId(), "revenue by region", List.of(), Duration.ofSeconds(30), new Analyses.Watcher() {
                        @Override
                        public void progress(double fraction, String message) {
                            seen.add(fraction);
                        }

                        @Override
                        public boolean cancelled() {
                            return false;
                        }
                    });
            assertThat(answered.status()).isEqualTo("completed");
            assertThat(seen).isSorted().allMatch(fraction -> fraction > 0 && fraction <= 1);
            assertThat(used(application, acme.workspaceId())).isEqualTo(1);
            assertThat(analyses.get(acme.workspaceId(), answered.id(), Duration.ZERO, Analyses.Watcher.NONE)
                            .payload()
                            .toString())
                    .as("the stored payload reads back as it was answered")
                    .isEqualTo(answered.payload().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void anAnswerIsStoredWithItsChartAndCreditAndARunPastItsWaitCanBeFetchedAtOnce(MetadataStores stores) {
        try (Application application = Application.start(
                stores.configure(Config.defaults().withHome(home).withPort(0)))) {
            SeededWorkspaces.Seeded acme =
                    SeededWorkspaces.trialWorkspace(application, "Acme", EnumSet.allOf(Scope.class));
            SeededWorkspaces.csvDataSource(
                    application, acme.workspaceId(), "Sales", SalesCsv.csv(SalesCsv.orders(1, 300)));
            Analyses analyses = application.analyses();

            // answered within its wait: the row is written once, with the credit, in one transaction
            Analyses.View answered = analyses.run(
                    acme.workspaceId(), "revenue by region", List.of(), Duration.ofSeconds(30), Analyses.Watcher.NONE);
            assertThat(answered.status()).isEqualTo("completed");
            assertThat(answered.payload().path("credits_used").asInt()).isEqualTo(1);
            Analyses.View stored =
                    analyses.get(acme.workspaceId(), answered.id(), Duration.ZERO, Analyses.Watcher.NONE);
            assertThat(stored.status()).isEqualTo("completed");
            assertThat(stored.payload().toString()).isEqualTo(answered.payload().toString());
            assertThat(stored.chartPng()).isPresent();
            assertThat(stored.chartPng().get()).isEqualTo(answered.chartPng().orElseThrow());
            // rows keep no PNG: reading one draws the same chart again from the stored answer
            for (String question : List.of("monthly revenue trend", "share of revenue by region")) {
                Analyses.View drawn = analyses.run(
                        acme.workspaceId(), question, List.of(), Duration.ofSeconds(30), Analyses.Watcher.NONE);
                assertThat(drawn.chartPng()).as(question).isPresent();
                assertThat(analyses.get(acme.workspaceId(), drawn.id(), Duration.ZERO, Analyses.Watcher.NONE)
                                .chartPng())
                        .as(question)
                        .hasValueSatisfying(png ->
                                assertThat(png).isEqualTo(drawn.chartPng().orElseThrow()));
            }
            assertThat(used(application, acme.workspaceId())).isEqualTo(3);
            assertThat(analyses.asked(acme.workspaceId(), answered.id()))
                    .hasValueSatisfying(asked -> assertThat(asked.question()).isEqualTo("revenue by region"));

            // no wait: whatever state it is in when the id goes out, the id is already readable
            Analyses.View started = analyses.run(
                    acme.workspaceId(), "total revenue last year", List.of(), Duration.ZERO, Analyses.Watcher.NONE);
            assertThat(analyses.get(acme.workspaceId(), started.id(), Duration.ZERO, Analyses.Watcher.NONE)
                            .status())
                    .isIn("running", "completed");
            Analyses.View finished =
                    analyses.get(acme.workspaceId(), started.id(), Duration.ofSeconds(30), Analyses.Watcher.NONE);
            assertThat(finished.status()).as(finished.text()).isEqualTo("completed");
            assertThat(analyses.get(acme.workspaceId(), started.id(), Duration.ZERO, Analyses.Watcher.NONE)
                            .status())
                    .as("stored, not only held in memory")
                    .isEqualTo("completed");
            assertThat(used(application, acme.workspaceId())).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aRunLeftRunningByAStoppedServerIsReportedFailedAfterTenMinutes(MetadataStores stores) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-10T12:00:00Z"));
        try (MetadataStore store = stores.open(home.resolve("metadata"));
                WorkspaceDatabases workspaces = WorkspaceDatabases.create(home, WorkspaceDatabases.Limits.defaults())) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            User user = accounts.createUser("ops@example.com", Optional.empty());
            Workspace workspace = accounts.createWorkspace(
                    "Ops", "trial", Optional.of(clock.instant().plus(Duration.ofDays(14))), user.id());
            Plans plans = new Plans(Pricing.load(Optional.empty()), accounts, store.jdbi(), clock);
            AnalysisLimits limits = AnalysisLimits.defaults();
            try (Analyses analyses = new Analyses(
                    new AnalysisEngine(clock, limits),
                    limits,
                    new DataSourceCatalog(store.jdbi(), Json.mapper(), clock),
                    workspaces,
                    plans,
                    store.jdbi(),
                    Json.mapper(),
                    clock,
                    2)) {
                String id = "an_0000000000abcdefghjkmnpqrs";
                store.jdbi()
                        .useHandle(handle -> handle.createUpdate("INSERT INTO analyses (id, workspace_id, question,"
                                        + " data_source_ids, status, payload_json, credits_used, created_at, updated_at) VALUES (?, ?,"
                                        + " 'total revenue', 'ds_x', 'running', ?, 0, ?, ?)")
                                .bind(0, id)
                                .bind(1, workspace.id())
                                .bind(
                                        2,
                                        "{\"analysis_id\":\"" + id
                                                + "\",\"status\":\"running\",\"question\":\"total revenue\","
                                                + "\"follow_up_questions\":[],\"tool_trace\":[],\"data_sources_used\":[\"ds_x\"],"
                                                + "\"credits_used\":0,\"credits_remaining\":50}")
                                .bind(3, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                                .bind(4, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                                .execute());

                assertThat(analyses.get(workspace.id(), id, Duration.ZERO, Analyses.Watcher.NONE)
                                .status())
                        .isEqualTo("running");
                clock.advance(Duration.ofMinutes(11));
                Analyses.View failed = analyses.get(workspace.id(), id, Duration.ZERO, Analyses.Watcher.NONE);
                assertThat(failed.status()).isEqualTo("failed");
                assertThat(failed.text()).contains("interrupted", "nothing was charged");
                assertThat(failed.payload().path("data_sources_used").get(0).asString())
                        .isEqualTo("ds_x");
                assertThat(analyses.get(workspace.id(), id, Duration.ZERO, Analyses.Watcher.NONE)
                                .status())
                        .as("stored, not only reported")
                        .isEqualTo("failed");
                assertThat(plans.usage(workspace.id()).of(Quota.AI_CREDITS).used())
                        .isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void refusalsComeBeforeAnyWorkOrCharge(MetadataStores stores) {
        try (Application application = Application.start(
                stores.configure(Config.defaults().withHome(home).withPort(0)))) {
            SeededWorkspaces.Seeded empty =
                    SeededWorkspaces.trialWorkspace(application, "Empty", EnumSet.allOf(Scope.class));
            Analyses analyses = application.analyses();
            assertThatThrownBy(() -> analyses.run(
                            empty.workspaceId(),
                            "total revenue",
                            List.of(),
                            Duration.ofSeconds(5),
                            Analyses.Watcher.NONE))
                    .isInstanceOfSatisfying(
                            ClariException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining("no ready data source");
            assertThatThrownBy(() -> analyses.run(
                            empty.workspaceId(),
                            "x".repeat(1001),
                            List.of(),
                            Duration.ofSeconds(5),
                            Analyses.Watcher.NONE))
                    .hasMessageContaining("longer than 1000");
            assertThatThrownBy(() -> analyses.get(empty.workspaceId(), "an_nope", Duration.ZERO, Analyses.Watcher.NONE))
                    .isInstanceOfSatisfying(
                            ClariException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThat(used(application, empty.workspaceId())).isZero();
        }
    }
}
