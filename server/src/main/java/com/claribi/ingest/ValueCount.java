package com.claribi.ingest;

import java.util.Objects;

/** One of a column's most frequent values, rendered as text, with how many rows hold it. */
public record ValueCount(String value, long count) {
    public ValueCount {
        Objects.requireNonNull(value, "value");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
    }
}
