package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Vets an xlsx archive before any XML parser sees it (SPEC §6 zip-bomb limits, no DTDs). Every entry
 * is inflated once, counting real bytes (declared sizes can lie): too many entries, too many bytes
 * in total, or an entry inflating more than the allowed ratio is refused; so is any XML part that
 * declares a DOCTYPE (entity expansion, external entities).
 */
final class ZipGuard {
    private static final int RATIO_GRACE_BYTES = 1024 * 1024;
    private static final int PROLOG_BYTES = 4096;
    /** fastexcel keeps the shared-strings table in memory; bound it well below the heap. */
    private static final long MAX_SHARED_STRINGS_BYTES = 256L * 1024 * 1024;

    private ZipGuard() {}

    static void check(Path file, IngestLimits limits, Deadline deadline) {
        long total = 0;
        int entries = 0;
        byte[] chunk = new byte[64 * 1024];
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                if (++entries > limits.maxZipEntries()) {
                    throw refuse("it has more than " + limits.maxZipEntries() + " parts");
                }
                long compressed = Math.max(1, entry.getCompressedSize());
                long inflated = 0;
                byte[] prolog = new byte[PROLOG_BYTES];
                int prologLength = 0;
                try (InputStream in = zip.getInputStream(entry)) {
                    int read;
                    while ((read = in.read(chunk)) > 0) {
                        if (prologLength < PROLOG_BYTES) {
                            int copy = Math.min(read, PROLOG_BYTES - prologLength);
                            System.arraycopy(chunk, 0, prolog, prologLength, copy);
                            prologLength += copy;
                        }
                        inflated += read;
                        total += read;
                        if (total > limits.maxZipUncompressedBytes()) {
                            throw refuse("it expands to more than " + limits.maxZipUncompressedBytes() / (1024 * 1024)
                                    + " MB");
                        }
                        if (inflated > MAX_SHARED_STRINGS_BYTES
                                && entry.getName().toLowerCase(Locale.ROOT).endsWith("sharedstrings.xml")) {
                            throw refuse("its shared-strings part is larger than 256 MB");
                        }
                        if (inflated > RATIO_GRACE_BYTES && inflated / compressed > limits.maxZipRatio()) {
                            throw refuse("a part expands more than " + limits.maxZipRatio() + " times (a zip bomb)");
                        }
                        if ((inflated & 0xFFFFF) < read) {
                            deadline.check();
                        }
                    }
                }
                String name = entry.getName().toLowerCase(Locale.ROOT);
                if (name.endsWith(".xml") || name.endsWith(".rels")) {
                    String head =
                            new String(prolog, 0, prologLength, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
                    if (head.contains("<!DOCTYPE") || head.contains("<!ENTITY")) {
                        throw refuse("it contains an XML document type declaration, which is not allowed");
                    }
                }
            }
        } catch (ZipException e) {
            throw ClariException.invalid("the file is not a valid .xlsx workbook (damaged zip archive)");
        } catch (IOException e) {
            throw ClariException.invalid("the .xlsx workbook could not be read");
        }
        if (entries == 0) {
            throw ClariException.invalid("the file is not a valid .xlsx workbook (empty archive)");
        }
    }

    private static ClariException refuse(String why) {
        return new ClariException(ErrorCode.TOO_LARGE, "the workbook was refused: " + why);
    }
}
