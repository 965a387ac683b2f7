package com.claribi.billing;

import java.util.Locale;

/**
 * The quotas every tier limits (SPEC §3). Monthly quotas count from the first of the month (UTC)
 * and reset then; standing quotas count what exists now and go down when things are deleted.
 */
public enum Quota {
    AI_CREDITS(true, "AI credits this month"),
    DATA_SOURCES(false, "data sources"),
    UPLOADS(true, "file uploads this month"),
    STORAGE_BYTES(false, "bytes of storage");

    private final boolean monthly;
    private final String plainWords;

    Quota(boolean monthly, String plainWords) {
        this.monthly = monthly;
        this.plainWords = plainWords;
    }

    /** The name on the wire and in error messages, such as {@code ai_credits}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean monthly() {
        return monthly;
    }

    public String plainWords() {
        return plainWords;
    }

    long limitIn(Pricing.Limits limits) {
        return switch (this) {
            case AI_CREDITS -> limits.aiCreditsPerMonth();
            case DATA_SOURCES -> limits.dataSources();
            case UPLOADS -> limits.uploadsPerMonth();
            case STORAGE_BYTES -> limits.storageBytes();
        };
    }
}
