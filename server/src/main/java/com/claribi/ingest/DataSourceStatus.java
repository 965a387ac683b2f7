package com.claribi.ingest;

import java.util.Locale;

/** A data source's processing state (issue 5 §3): {@code processing} → {@code ready} | {@code failed}. */
public enum DataSourceStatus {
    PROCESSING,
    READY,
    FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DataSourceStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
