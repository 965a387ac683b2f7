package com.claribi.billing;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code get_billing_status} reports (SPEC §2).
 *
 * @param status {@code trialing}, {@code active} or {@code free}
 * @param trialEndsAt set while a Trial runs or when it ended
 * @param renewsAt the next renewal of a paid plan; empty until Stripe billing records one
 * @param mcpServerAccess whether this tier includes the MCP server
 * @param tiersWithMcpAccess names of the tiers that include it, for the upgrade hint
 */
public record BillingStatus(
        String workspaceId,
        String tier,
        String tierName,
        String status,
        Optional<Instant> trialEndsAt,
        Optional<Instant> renewsAt,
        boolean mcpServerAccess,
        List<String> tiersWithMcpAccess) {
    public BillingStatus {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(tierName, "tierName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trialEndsAt, "trialEndsAt");
        Objects.requireNonNull(renewsAt, "renewsAt");
        tiersWithMcpAccess = List.copyOf(tiersWithMcpAccess);
    }
}
