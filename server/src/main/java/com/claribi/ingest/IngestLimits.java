package com.claribi.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds every parser honours (SPEC §6 "Parsers are bounded"). A file beyond any bound is refused
 * with a typed error naming the bound; nothing is half-loaded.
 *
 * @param maxColumns most columns a table may have
 * @param maxFieldBytes longest single line (and so field) of delimited text, in bytes
 * @param maxJsonDepth deepest JSON nesting
 * @param maxJsonBytes largest JSON document, in bytes
 * @param maxZipEntries most entries in an xlsx archive
 * @param maxZipUncompressedBytes most bytes an xlsx may inflate to, counted while inflating
 * @param maxZipRatio largest inflate ratio of one xlsx entry (uncompressed / compressed)
 * @param maxExcelRows most rows read from one sheet
 * @param maxPdfPages most pages in a PDF
 * @param maxPdfTextChars most characters of text taken from a PDF
 * @param maxTextLines most lines of a plain-text file loaded as lines
 * @param timeLimit wall-clock budget of one parse
 */
public record IngestLimits(
        int maxColumns,
        int maxFieldBytes,
        int maxJsonDepth,
        long maxJsonBytes,
        int maxZipEntries,
        long maxZipUncompressedBytes,
        int maxZipRatio,
        int maxExcelRows,
        int maxPdfPages,
        long maxPdfTextChars,
        long maxTextLines,
        Duration timeLimit) {

    public IngestLimits {
        Objects.requireNonNull(timeLimit, "timeLimit");
        if (maxColumns < 1
                || maxFieldBytes < 1024
                || maxJsonDepth < 2
                || maxJsonBytes < 1
                || maxZipEntries < 1
                || maxZipUncompressedBytes < 1
                || maxZipRatio < 2
                || maxExcelRows < 1
                || maxPdfPages < 1
                || maxPdfTextChars < 1
                || maxTextLines < 1
                || timeLimit.isNegative()
                || timeLimit.isZero()) {
            throw new IllegalArgumentException("ingest limits must be positive");
        }
    }

    /** The production bounds, sized for a 100 MB file on a small server. */
    public static IngestLimits defaults() {
        return new IngestLimits(
                2_000,
                8 * 1024 * 1024,
                64,
                200L * 1024 * 1024,
                2_000,
                1024L * 1024 * 1024,
                200,
                2_000_000,
                500,
                20_000_000,
                10_000_000,
                Duration.ofMinutes(5));
    }

    /** A copy with another time budget. */
    public IngestLimits withTimeLimit(Duration newTimeLimit) {
        return new IngestLimits(
                maxColumns,
                maxFieldBytes,
                maxJsonDepth,
                maxJsonBytes,
                maxZipEntries,
                maxZipUncompressedBytes,
                maxZipRatio,
                maxExcelRows,
                maxPdfPages,
                maxPdfTextChars,
                maxTextLines,
                newTimeLimit);
    }
}
