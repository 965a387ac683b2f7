package com.claribi.ingest;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file the URL fetcher stored.
 *
 * @param file where the body was written
 * @param bytes decoded body size
 * @param format the format chosen from the caller's wish, content sniffing, content type and extension
 * @param contentType the response's Content-Type, or empty
 * @param finalUrl the URL of the last redirect hop
 * @param redirects how many redirects were followed
 */
public record FetchedFile(Path file, long bytes, SourceFormat format, String contentType, URI finalUrl, int redirects) {
    public FetchedFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(finalUrl, "finalUrl");
    }
}
