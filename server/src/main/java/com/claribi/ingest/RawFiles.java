package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;

/**
 * Durable storage of an uploaded file before it is acknowledged (issue 5 §1): the base64 text is
 * decoded in 48 KB steps straight into the file — never a second whole copy in memory — and the
 * file is forced to disk before {@link #storeBase64} returns.
 */
public final class RawFiles {
    private static final int CHUNK_CHARS = 64 * 1024;

    private RawFiles() {}

    /**
     * Decodes standard base64 ({@code A–Z a–z 0–9 + /}, optional {@code =} padding, whitespace
     * ignored) into {@code target}, creating or replacing it, and forces it to disk.
     *
     * @return bytes written
     * @throws ClariException INVALID_ARGUMENT when the text is not base64, TOO_LARGE past {@code maxBytes}
     */
    public static long storeBase64(CharSequence base64, Path target, long maxBytes) {
        byte[] chunk = new byte[CHUNK_CHARS];
        int filled = 0;
        long written = 0;
        boolean padding = false;
        Base64.Decoder decoder = Base64.getDecoder();
        try (FileChannel out = FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (int index = 0; index < base64.length(); index++) {
                char character = base64.charAt(index);
                if (character == ' ' || character == '\n' || character == '\r' || character == '\t') {
                    continue;
                }
                boolean alphabet = (character >= 'A' && character <= 'Z')
                        || (character >= 'a' && character <= 'z')
                        || (character >= '0' && character <= '9')
                        || character == '+'
                        || character == '/';
                if (character == '=') {
                    padding = true;
                } else if (!alphabet || padding) {
                    throw ClariException.invalid("data_base64 is not valid base64 (unexpected character at position "
                            + String.format(java.util.Locale.ROOT, "%,d", index) + ")");
                }
                chunk[filled++] = (byte) character;
                if (filled == CHUNK_CHARS) {
                    written += write(out, decoder, chunk, filled);
                    filled = 0;
                    if (written > maxBytes) {
                        throw tooLarge(maxBytes);
                    }
                }
            }
            if (filled > 0) {
                written += write(out, decoder, chunk, filled);
            }
            if (written > maxBytes) {
                throw tooLarge(maxBytes);
            }
            out.force(true);
        } catch (IOException e) {
            deleteQuietly(target);
            throw new ClariException(ErrorCode.UNAVAILABLE, "the file could not be stored", e);
        } catch (RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
        return written;
    }

    private static int write(FileChannel out, Base64.Decoder decoder, byte[] chunk, int length) throws IOException {
        byte[] decoded;
        try {
            decoded = decoder.decode(length == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, length));
        } catch (IllegalArgumentException e) {
            throw ClariException.invalid("data_base64 is not valid base64 (its length or padding is wrong)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(decoded);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        return decoded.length;
    }

    private static ClariException tooLarge(long maxBytes) {
        return new ClariException(
                ErrorCode.TOO_LARGE,
                "the decoded file is larger than " + maxBytes / (1024 * 1024)
                        + " MB; use ingest_url_data_source for larger files");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the workspace folder is cleaned with the data source
        }
    }
}
