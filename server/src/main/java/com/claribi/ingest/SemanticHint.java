package com.claribi.ingest;

/** What a column's values mean beyond their type, found from its name and a sample of values. */
public enum SemanticHint {
    CURRENCY,
    PERCENT,
    EMAIL,
    URL,
    COUNTRY,
    YEAR,
    LATITUDE,
    LONGITUDE,
    PHONE,
    BOOLEAN,
    COUNT
}
