package com.claribi.auth;

import java.util.Arrays;
import java.util.Optional;

/** The permission scopes of SPEC §2; a credential carries a set of them. */
public enum Scope {
    DASHBOARDS_READ("dashboards:read", "See your dashboards"),
    DASHBOARDS_WRITE("dashboards:write", "Create and change dashboards"),
    REPORTS_READ("reports:read", "See and download your reports"),
    REPORTS_WRITE("reports:write", "Generate reports"),
    DATA_SOURCES_READ("data-sources:read", "See your data sources and their contents"),
    DATA_SOURCES_WRITE("data-sources:write", "Upload files and connect data sources"),
    ANALYSIS_RUN("analysis:run", "Ask questions about your data (uses AI credits)"),
    USAGE_READ("usage:read", "See your usage and limits"),
    BILLING_READ("billing:read", "See your plan and billing status"),
    BILLING_WRITE("billing:write", "Start a plan upgrade"),
    ACCOUNT_WRITE("account:write", "Manage your account and API keys");

    private final String wireName;
    private final String plainWords;

    Scope(String wireName, String plainWords) {
        this.wireName = wireName;
        this.plainWords = plainWords;
    }

    /** The name on the wire, such as {@code data-sources:read}. */
    public String wireName() {
        return wireName;
    }

    /** What the scope allows, in words for a consent screen. */
    public String plainWords() {
        return plainWords;
    }

    public static Optional<Scope> fromWireName(String wireName) {
        return Arrays.stream(values())
                .filter(scope -> scope.wireName.equals(wireName))
                .findFirst();
    }
}
