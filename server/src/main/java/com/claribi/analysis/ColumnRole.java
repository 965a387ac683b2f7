package com.claribi.analysis;

/** What a column is for, as ingestion profiles it (and as {@link SchemaReader} infers it). */
public enum ColumnRole {
    /** A date or timestamp: time filters and trends use it. */
    TIME,
    /** A number that can be aggregated (revenue, clicks, price). */
    MEASURE,
    /** A low-cardinality category to group and filter by (region, plan). */
    DIMENSION,
    /** A key naming one entity (order_id, sku, customer_name); counted distinct, looked up. */
    IDENTIFIER,
    /** Free text; matched for lookups only. */
    TEXT
}
