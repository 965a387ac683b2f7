package com.claribi.billing;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.Workspace;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Tiers, feature gates and quotas over one pricing config (SPEC §3). The one quota service every
 * feature calls before doing work: {@link #consume} checks and records atomically, {@link #release}
 * gives back standing quota (a deleted data source, freed storage). Quota errors name the quota, the
 * limit and the current use. Thread-safe.
 *
 * <p>A Trial lapses by itself: a workspace whose stored tier is the signup tier and whose trial end
 * has passed is read as the after-trial tier everywhere, with no job needed.
 */
public final class Plans {
    private final Pricing pricing;
    private final Accounts accounts;
    private final Jdbi jdbi;
    private final Clock clock;

    public Plans(Pricing pricing, Accounts accounts, Jdbi jdbi, Clock clock) {
        this.pricing = Objects.requireNonNull(pricing, "pricing");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Pricing pricing() {
        return pricing;
    }

    /** The tier in force for {@code workspace} now. */
    public Pricing.Tier effectiveTier(Workspace workspace) {
        String id = workspace.tier();
        if (trialLapsed(workspace)) {
            id = pricing.afterTrialTier();
        }
        return pricing.tier(id).or(() -> pricing.tier(pricing.afterTrialTier())).orElseThrow();
    }

    private boolean trialLapsed(Workspace workspace) {
        return workspace.tier().equals(pricing.signupTier())
                && workspace.trialEndsAt().isPresent()
                && !clock.instant().isBefore(workspace.trialEndsAt().get());
    }

    /** Whether the workspace's tier has {@code feature} now. */
    public boolean has(String workspaceId, String feature) {
        return effectiveTier(workspace(workspaceId)).has(feature);
    }

    /**
     * The refusal for a workspace without {@code mcp_server_access}, or empty when it has it. The
     * text names the feature, the tiers that include it and how to upgrade.
     */
    public Optional<String> mcpAccessRefusal(String workspaceId) {
        Pricing.Tier tier = effectiveTier(workspace(workspaceId));
        if (tier.has(Pricing.MCP_SERVER_ACCESS)) {
            return Optional.empty();
        }
        return Optional.of("This workspace is on the " + tier.name() + " tier, which does not include "
                + Pricing.MCP_SERVER_ACCESS + " (the MCP server). It is included in "
                + String.join(", ", pricing.tiersWith(Pricing.MCP_SERVER_ACCESS))
                + ". To upgrade, call create_checkout_session with the tier you want, or open Billing in the"
                + " clariBI web app. get_usage and get_billing_status keep working on every tier.");
    }

    public BillingStatus billingStatus(String workspaceId) {
        Workspace workspace = workspace(workspaceId);
        Pricing.Tier tier = effectiveTier(workspace);
        String status;
        if (workspace.tier().equals(pricing.signupTier()) && !trialLapsed(workspace)) {
            status = "trialing";
        } else if (tier.priceMonthlyCents() > 0) {
            status = "active";
        } else {
            status = "free";
        }
        return new BillingStatus(
                workspace.id(),
                tier.id(),
                tier.name(),
                status,
                workspace.trialEndsAt(),
                Optional.empty(),
                tier.has(Pricing.MCP_SERVER_ACCESS),
                pricing.tiersWith(Pricing.MCP_SERVER_ACCESS));
    }

    /** Use of every quota now. */
    public Usage usage(String workspaceId) {
        Pricing.Tier tier = effectiveTier(workspace(workspaceId));
        YearMonth month = currentMonth();
        Map<Quota, Usage.Meter> meters = new EnumMap<>(Quota.class);
        jdbi.useHandle(handle -> {
            for (Quota quota : Quota.values()) {
                meters.put(
                        quota, new Usage.Meter(used(handle, workspaceId, quota, month), quota.limitIn(tier.limits())));
            }
        });
        return new Usage(tier.id(), start(month), start(month.plusMonths(1)), meters);
    }

    /** One quota's use now: {@code usage(workspaceId).of(quota)} with one counter read instead of all. */
    public Usage.Meter meter(String workspaceId, Quota quota) {
        Pricing.Tier tier = effectiveTier(workspace(workspaceId));
        YearMonth month = currentMonth();
        long used = jdbi.withHandle(handle -> used(handle, workspaceId, quota, month));
        return new Usage.Meter(used, quota.limitIn(tier.limits()));
    }

    /**
     * Fails unless {@code amount} more of {@code quota} fits; records nothing.
     *
     * @throws ClariException QUOTA_EXCEEDED naming the quota, the limit and the current use
     */
    public void check(String workspaceId, Quota quota, long amount) {
        requirePositive(amount);
        Usage.Meter meter = usage(workspaceId).of(quota);
        if (meter.used() + amount > meter.limit()) {
            throw exceeded(quota, meter.limit(), meter.used(), amount, effectiveTier(workspace(workspaceId)));
        }
    }

    /**
     * Records {@code amount} of {@code quota} if it fits within the limit, atomically: two concurrent
     * calls cannot both take the last unit.
     *
     * @return the use after this call
     * @throws ClariException QUOTA_EXCEEDED naming the quota, the limit and the current use
     */
    public Usage.Meter consume(String workspaceId, Quota quota, long amount) {
        requirePositive(amount);
        Pricing.Tier tier = effectiveTier(workspace(workspaceId));
        return jdbi.inTransaction(handle -> consumeIn(handle, workspaceId, quota, amount, tier));
    }

    /**
     * As {@link #consume(String, Quota, long)}, inside the caller's transaction on {@code handle}: the
     * use commits (or rolls back) with the caller's own writes, in one commit instead of two. The
     * caller must run {@code handle} in a transaction.
     */
    public Usage.Meter consume(Handle handle, String workspaceId, Quota quota, long amount) {
        requirePositive(amount);
        return consumeIn(handle, workspaceId, quota, amount, effectiveTier(workspace(workspaceId)));
    }

    private Usage.Meter consumeIn(Handle handle, String workspaceId, Quota quota, long amount, Pricing.Tier tier) {
        long limit = quota.limitIn(tier.limits());
        String period = period(quota, currentMonth());
        int updated = add(handle, workspaceId, quota, period, amount, limit);
        if (updated == 0) {
            // the period's counter may not exist yet (first use this month): create it and try again
            ensureRow(handle, workspaceId, quota, period);
            updated = add(handle, workspaceId, quota, period, amount, limit);
        }
        long used = amount(handle, workspaceId, quota, period);
        if (updated == 0) {
            throw exceeded(quota, limit, used, amount, tier);
        }
        return new Usage.Meter(used, limit);
    }

    private static int add(Handle handle, String workspaceId, Quota quota, String period, long amount, long limit) {
        return handle.createUpdate("UPDATE usage_counters SET amount = amount + ? WHERE workspace_id = ?"
                        + " AND quota = ? AND period = ? AND amount + ? <= ?")
                .bind(0, amount)
                .bind(1, workspaceId)
                .bind(2, quota.wireName())
                .bind(3, period)
                .bind(4, amount)
                .bind(5, limit)
                .execute();
    }

    /** Gives back {@code amount} of a quota (never below zero). */
    public void release(String workspaceId, Quota quota, long amount) {
        requirePositive(amount);
        String period = period(quota, currentMonth());
        jdbi.useTransaction(handle -> {
            ensureRow(handle, workspaceId, quota, period);
            handle.createUpdate("UPDATE usage_counters SET amount = CASE WHEN amount > ? THEN amount - ? ELSE 0 END"
                            + " WHERE workspace_id = ? AND quota = ? AND period = ?")
                    .bind(0, amount)
                    .bind(1, amount)
                    .bind(2, workspaceId)
                    .bind(3, quota.wireName())
                    .bind(4, period)
                    .execute();
        });
    }

    private ClariException exceeded(Quota quota, long limit, long used, long amount, Pricing.Tier tier) {
        return new ClariException(
                ErrorCode.QUOTA_EXCEEDED,
                "Quota " + quota.wireName() + " exceeded: the " + tier.name() + " tier allows " + limit + " "
                        + quota.plainWords() + ", " + used + " used, and this needs " + amount + " more."
                        + (quota.monthly()
                                ? " It resets on "
                                        + start(currentMonth().plusMonths(1))
                                                .toString()
                                                .substring(0, 10) + "."
                                : "")
                        + " Upgrade with create_checkout_session or free some up.");
    }

    private Workspace workspace(String workspaceId) {
        return accounts.workspace(workspaceId)
                .orElseThrow(() -> ClariException.notFound("No workspace " + workspaceId + "."));
    }

    private YearMonth currentMonth() {
        return YearMonth.from(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    private static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static String period(Quota quota, YearMonth month) {
        return quota.monthly() ? month.toString() : "total";
    }

    private static long used(Handle handle, String workspaceId, Quota quota, YearMonth month) {
        return amount(handle, workspaceId, quota, period(quota, month));
    }

    private static long amount(Handle handle, String workspaceId, Quota quota, String period) {
        return handle.createQuery(
                        "SELECT amount FROM usage_counters WHERE workspace_id = ? AND quota = ? AND period = ?")
                .bind(0, workspaceId)
                .bind(1, quota.wireName())
                .bind(2, period)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    private static void ensureRow(Handle handle, String workspaceId, Quota quota, String period) {
        handle.createUpdate("INSERT INTO usage_counters (workspace_id, quota, period, amount) VALUES (?, ?, ?, 0)"
                        + " ON CONFLICT DO NOTHING")
                .bind(0, workspaceId)
                .bind(1, quota.wireName())
                .bind(2, period)
                .execute();
    }

    private static void requirePositive(long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
    }
}
