package com.claribi.accounts;

import java.util.Arrays;
import java.util.Optional;

/** The two kinds of long-lived API key (SPEC §3); each works on exactly one surface. */
public enum KeyKind {
    /** {@code claribi_mcp_…}, accepted only at {@code /mcp/v1/}. */
    MCP("mcp", Tokens.MCP_KEY_PREFIX),
    /** {@code claribi_api_…}, accepted only at {@code /api/v1/}. */
    REST("rest", Tokens.REST_KEY_PREFIX);

    private final String wireName;
    private final String prefix;

    KeyKind(String wireName, String prefix) {
        this.wireName = wireName;
        this.prefix = prefix;
    }

    public String wireName() {
        return wireName;
    }

    public String prefix() {
        return prefix;
    }

    public static Optional<KeyKind> fromWireName(String name) {
        return Arrays.stream(values())
                .filter(kind -> kind.wireName.equals(name))
                .findFirst();
    }
}
