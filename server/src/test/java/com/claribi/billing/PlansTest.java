package com.claribi.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.storage.MetadataStore;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tiers, the Trial's end, feature gating and the quota service, against both stores. */
class PlansTest {
    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));
    private final Pricing pricing = Pricing.load(Optional.empty());

    private Workspace trialWorkspace(Accounts accounts) {
        User owner = accounts.createUser("ada@example.com", Optional.empty());
        return accounts.createWorkspace(
                "Engines", "trial", Optional.of(clock.instant().plus(Duration.ofDays(14))), owner.id());
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void theTrialHasItsLimitsAndDropsToFreeAfterFourteenDays(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            Plans plans = new Plans(pricing, accounts, store.jdbi(), clock);
            Workspace workspace = trialWorkspace(accounts);

            Usage usage = plans.usage(workspace.id());
            assertThat(usage.tier()).isEqualTo("trial");
            assertThat(usage.of(Quota.AI_CREDITS)).isEqualTo(new Usage.Meter(0, 50));
            assertThat(usage.of(Quota.DATA_SOURCES).limit()).isEqualTo(3);
            assertThat(usage.of(Quota.UPLOADS).limit()).isEqualTo(5);
            assertThat(usage.of(Quota.STORAGE_BYTES).limit()).isEqualTo(1L << 30);
            assertThat(plans.billingStatus(workspace.id()).status()).isEqualTo("trialing");
            assertThat(plans.mcpAccessRefusal(workspace.id())).isEmpty();

            clock.advance(Duration.ofDays(14));

            assertThat(plans.usage(workspace.id()).tier()).isEqualTo("free");
            BillingStatus status = plans.billingStatus(workspace.id());
            assertThat(status.tier()).isEqualTo("free");
            assertThat(status.status()).isEqualTo("free");
            assertThat(status.mcpServerAccess()).isFalse();
            assertThat(status.trialEndsAt()).isEqualTo(workspace.trialEndsAt());
            assertThat(plans.mcpAccessRefusal(workspace.id()))
                    .hasValueSatisfying(text -> assertThat(text)
                            .contains("mcp_server_access")
                            .contains("Trial, Starter, Professional, Enterprise")
                            .contains("create_checkout_session"));
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aUseTakenInsideTheCallersTransactionCommitsOrRollsBackWithIt(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            Plans plans = new Plans(pricing, accounts, store.jdbi(), clock);
            Workspace workspace = trialWorkspace(accounts);

            assertThatThrownBy(() -> store.jdbi().useTransaction(handle -> {
                        assertThat(plans.consume(handle, workspace.id(), Quota.AI_CREDITS, 2))
                                .isEqualTo(new Usage.Meter(2, 50));
                        throw new IllegalStateException("the caller's own write failed");
                    }))
                    .hasMessageContaining("own write failed");
            assertThat(plans.meter(workspace.id(), Quota.AI_CREDITS))
                    .as("rolled back with the caller")
                    .isEqualTo(new Usage.Meter(0, 50));

            Usage.Meter taken =
                    store.jdbi().inTransaction(handle -> plans.consume(handle, workspace.id(), Quota.AI_CREDITS, 3));
            assertThat(taken).isEqualTo(new Usage.Meter(3, 50));
            assertThat(plans.meter(workspace.id(), Quota.AI_CREDITS)).isEqualTo(new Usage.Meter(3, 50));
            assertThat(plans.meter(workspace.id(), Quota.AI_CREDITS))
                    .isEqualTo(plans.usage(workspace.id()).of(Quota.AI_CREDITS));
            assertThat(plans.consume(workspace.id(), Quota.AI_CREDITS, 47)).isEqualTo(new Usage.Meter(50, 50));
            assertThatThrownBy(() -> store.jdbi()
                            .useTransaction(handle -> plans.consume(handle, workspace.id(), Quota.AI_CREDITS, 1)))
                    .isInstanceOfSatisfying(
                            ClariException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
            assertThat(plans.meter(workspace.id(), Quota.AI_CREDITS)).isEqualTo(new Usage.Meter(50, 50));
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aQuotaErrorNamesTheQuotaTheLimitAndTheCurrentUse(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            Plans plans = new Plans(pricing, accounts, store.jdbi(), clock);
            Workspace workspace = trialWorkspace(accounts);

            assertThat(plans.consume(workspace.id(), Quota.AI_CREDITS, 48)).isEqualTo(new Usage.Meter(48, 50));
            assertThatThrownBy(() -> plans.consume(workspace.id(), Quota.AI_CREDITS, 3))
                    .isInstanceOfSatisfying(ClariException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                        assertThat(e.getMessage())
                                .contains("ai_credits")
                                .contains("allows 50")
                                .contains("48 used")
                                .contains("needs 3 more")
                                .contains("resets on 2026-04-01");
                    });
            assertThat(plans.usage(workspace.id()).of(Quota.AI_CREDITS).used()).isEqualTo(48);
            assertThatThrownBy(() -> plans.check(workspace.id(), Quota.AI_CREDITS, 3))
                    .hasMessageContaining("48 used");
            plans.check(workspace.id(), Quota.AI_CREDITS, 2);
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void monthlyQuotasResetOnTheFirstAndStandingOnesDoNot(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            Plans plans = new Plans(pricing, accounts, store.jdbi(), clock);
            Workspace workspace = trialWorkspace(accounts);
            plans.consume(workspace.id(), Quota.UPLOADS, 5);
            plans.consume(workspace.id(), Quota.DATA_SOURCES, 3);
            plans.consume(workspace.id(), Quota.STORAGE_BYTES, 1000);

            clock.set(Instant.parse("2026-04-01T00:00:00Z"));

            Usage april = plans.usage(workspace.id());
            assertThat(april.of(Quota.UPLOADS).used()).isZero();
            assertThat(april.of(Quota.DATA_SOURCES).used()).isEqualTo(3);
            assertThat(april.periodStart()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
            assertThat(april.periodEnd()).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
            assertThatThrownBy(() -> plans.consume(workspace.id(), Quota.DATA_SOURCES, 1))
                    .hasMessageContaining("data_sources");
            plans.release(workspace.id(), Quota.DATA_SOURCES, 1);
            plans.release(workspace.id(), Quota.STORAGE_BYTES, 5000);
            assertThat(plans.usage(workspace.id()).of(Quota.DATA_SOURCES).used())
                    .isEqualTo(2);
            assertThat(plans.usage(workspace.id()).of(Quota.STORAGE_BYTES).used())
                    .isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void concurrentCallersCannotBothTakeTheLastCredit(MetadataStores stores) throws Exception {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            Plans plans = new Plans(pricing, accounts, store.jdbi(), clock);
            Workspace workspace = trialWorkspace(accounts);
            plans.consume(workspace.id(), Quota.AI_CREDITS, 40);

            List<Future<Boolean>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < 30; i++) {
                    Callable<Boolean> one = () -> {
                        try {
                            plans.consume(workspace.id(), Quota.AI_CREDITS, 1);
                            return true;
                        } catch (ClariException e) {
                            return false;
                        }
                    };
                    results.add(pool.submit(one));
                }
            }
            long granted = 0;
            for (Future<Boolean> result : results) {
                granted += result.get() ? 1 : 0;
            }
            assertThat(granted).isEqualTo(10);
            assertThat(plans.usage(workspace.id()).of(Quota.AI_CREDITS).used()).isEqualTo(50);
        }
    }
}
