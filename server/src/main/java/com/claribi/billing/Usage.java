package com.claribi.billing;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A workspace's use of every quota now.
 *
 * @param tier the effective tier id (a lapsed Trial reads as the after-trial tier)
 * @param periodStart the first instant of the current monthly period (UTC)
 * @param periodEnd when monthly quotas next reset
 */
public record Usage(String tier, Instant periodStart, Instant periodEnd, Map<Quota, Meter> quotas) {
    public Usage {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(periodEnd, "periodEnd");
        quotas = Map.copyOf(quotas);
    }

    public Meter of(Quota quota) {
        return quotas.get(quota);
    }

    /** One quota's use against its limit. */
    public record Meter(long used, long limit) {
        public long remaining() {
            return Math.max(0, limit - used);
        }
    }
}
