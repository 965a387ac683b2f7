package com.claribi.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses a file's format: magic bytes first (they cannot lie about a zip, OLE2 or PDF), then the
 * content type, then the URL's extension, then a look at the first bytes of text.
 */
final class FormatDetector {
    private FormatDetector() {}

    static SourceFormat detect(Path file, String contentType, String urlPath) {
        byte[] head = head(file);
        if (startsWith(head, "%PDF")) {
            return SourceFormat.PDF;
        }
        if (startsWith(head, "PK\u0003\u0004")
                || (head.length >= 4
                        && head[0] == (byte) 0xD0
                        && head[1] == (byte) 0xCF
                        && head[2] == 0x11
                        && head[3] == (byte) 0xE0)) {
            return SourceFormat.EXCEL;
        }
        Optional<SourceFormat> byType = byContentType(contentType);
        if (byType.isPresent()) {
            return byType.get();
        }
        Optional<SourceFormat> byExtension = byExtension(urlPath);
        if (byExtension.isPresent()) {
            return byExtension.get();
        }
        String text = new String(head, StandardCharsets.UTF_8).stripLeading().replace("\uFEFF", "");
        if (text.startsWith("{") || text.startsWith("[")) {
            return SourceFormat.JSON;
        }
        String firstLine = text.lines().findFirst().orElse("");
        if (firstLine.indexOf('\t') >= 0) {
            return SourceFormat.TSV;
        }
        if (firstLine.indexOf(',') >= 0 || firstLine.indexOf(';') >= 0) {
            return SourceFormat.CSV;
        }
        return SourceFormat.TEXT;
    }

    static Optional<SourceFormat> byContentType(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        type = (semicolon >= 0 ? type.substring(0, semicolon) : type).strip();
        return switch (type) {
            case "text/csv", "application/csv", "text/x-csv" -> Optional.of(SourceFormat.CSV);
            case "text/tab-separated-values" -> Optional.of(SourceFormat.TSV);
            case "application/json", "application/x-ndjson", "application/ndjson", "application/jsonl", "text/json" ->
                Optional.of(SourceFormat.JSON);
            case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel" ->
                Optional.of(SourceFormat.EXCEL);
            case "application/pdf" -> Optional.of(SourceFormat.PDF);
            default -> Optional.empty();
        };
    }

    static Optional<SourceFormat> byExtension(String path) {
        String name = path == null ? "" : path.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot < 0 || name.lastIndexOf('/') > dot) {
            return Optional.empty();
        }
        return switch (name.substring(dot + 1)) {
            case "csv" -> Optional.of(SourceFormat.CSV);
            case "tsv", "tab" -> Optional.of(SourceFormat.TSV);
            case "json", "ndjson", "jsonl" -> Optional.of(SourceFormat.JSON);
            case "xlsx", "xls" -> Optional.of(SourceFormat.EXCEL);
            case "pdf" -> Optional.of(SourceFormat.PDF);
            case "txt", "text", "log", "md" -> Optional.of(SourceFormat.TEXT);
            default -> Optional.empty();
        };
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4096);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        if (bytes.length < prefix.length()) {
            return false;
        }
        for (int index = 0; index < prefix.length(); index++) {
            if (bytes[index] != (byte) prefix.charAt(index)) {
                return false;
            }
        }
        return true;
    }
}
