package com.claribi.ingest;

import com.claribi.platform.ClariException;
import java.util.Locale;

/** The file formats a data source can be made from (SPEC §2 {@code upload_data_source.format}). */
public enum SourceFormat {
    CSV("csv"),
    TSV("tsv"),
    JSON("json"),
    EXCEL("excel"),
    TEXT("text"),
    PDF("pdf");

    private final String wireName;

    SourceFormat(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in tool arguments and results. */
    public String wireName() {
        return wireName;
    }

    /**
     * The format named {@code name} in a tool argument.
     *
     * @throws ClariException INVALID_ARGUMENT naming the accepted formats
     */
    public static SourceFormat fromWireName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (SourceFormat format : values()) {
            if (format.wireName.equals(wanted)) {
                return format;
            }
        }
        if (wanted.equals("xlsx") || wanted.equals("xls")) {
            return EXCEL;
        }
        if (wanted.equals("txt")) {
            return TEXT;
        }
        throw ClariException.invalid(
                "format must be one of csv, tsv, json, excel, text, pdf (got \"" + (name == null ? "" : name) + "\")");
    }
}
