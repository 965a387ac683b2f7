package com.claribi.ingest;

/** What a column is for in analysis (SPEC §2 "schema with column roles"). */
public enum ColumnRole {
    /** A date, timestamp or year: the axis of trends. */
    TIME,
    /** A number to aggregate: revenue, quantity, duration. */
    MEASURE,
    /** A category to group or filter by: country, product, status. */
    DIMENSION,
    /** Names a row and is unique or nearly so: order id, email as a key. */
    IDENTIFIER,
    /** Free text: comments, descriptions, lines of a document. */
    TEXT
}
