package com.claribi.mcp;

import java.util.Locale;
import java.util.Optional;

/** Log levels of MCP §server/utilities/logging, least severe first (RFC 5424 order). */
public enum LogLevel {
    DEBUG,
    INFO,
    NOTICE,
    WARNING,
    ERROR,
    CRITICAL,
    ALERT,
    EMERGENCY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<LogLevel> fromWireName(String name) {
        for (LogLevel level : values()) {
            if (level.wireName().equals(name)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
