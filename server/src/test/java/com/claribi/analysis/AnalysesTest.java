package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.Application;
import com.claribi.auth.Scope;
import com.claribi.billing.Quota;
import com.claribi.platform.ClariException;
import com.claribi.platform.Config;
import com.claribi.platform.ErrorCode;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.SalesCsv;
import com.claribi.testsupport.SeededWorkspaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
