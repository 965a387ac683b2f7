package com.claribi.mcp;

import java.util.List;

/** The MCP protocol revisions clariBI speaks, newest first. */
final class Versions {
    static final String V2026_07_28 = "2026-07-28";
    static final String V2025_11_25 = "2025-11-25";
    static final String V2025_06_18 = "2025-06-18";
    static final String V2025_03_26 = "2025-03-26";
    static final String V2024_11_05 = "2024-11-05";

    /** Negotiated in {@code initialize} on the Streamable HTTP transport. */
    static final List<String> SESSION_VERSIONS = List.of(V2025_11_25, V2025_06_18, V2025_03_26);

    /** Every version, newest first, as the metadata document lists them. */
    static final List<String> ALL = List.of(V2026_07_28, V2025_11_25, V2025_06_18, V2025_03_26, V2024_11_05);

    /** Versions answered without a session, from {@code _meta} on each request. */
    static final List<String> STATELESS_VERSIONS = List.of(V2026_07_28);

    private Versions() {}

    /** MCP §lifecycle: the client's version when supported, else the newest we support. */
    static String negotiate(String requested) {
        return SESSION_VERSIONS.contains(requested) ? requested : SESSION_VERSIONS.getFirst();
    }

    static boolean atLeast(String version, String minimum) {
        return version.compareTo(minimum) >= 0;
    }
}
