package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawFilesTest {
    @TempDir
    Path folder;

    @Test
    void decodesAcrossChunkBoundariesIgnoringLineBreaks() throws Exception {
        byte[] data = new byte[300_001];
        new Random(7).nextBytes(data);
        String encoded = Base64.getMimeEncoder().encodeToString(data);

        long written = RawFiles.storeBase64(encoded, folder.resolve("raw"), 1_000_000);

        assertThat(written).isEqualTo(data.length);
        assertThat(Files.readAllBytes(folder.resolve("raw"))).isEqualTo(data);
    }

    @Test
    void invalidBase64IsRefusedAndNothingIsKept() {
        assertThatThrownBy(() -> RawFiles.storeBase64("aGVsbG8*d29ybGQ=", folder.resolve("bad"), 1_000))
                .isInstanceOf(ClariException.class)
                .hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> RawFiles.storeBase64("aGVsbG8gd", folder.resolve("bad"), 1_000))
                .isInstanceOf(ClariException.class);
        assertThat(folder.resolve("bad")).doesNotExist();
    }

    @Test
    void decodedSizeAboveTheCapIsRefused() {
        String encoded = Base64.getEncoder().encodeToString(new byte[200_000]);

        assertThatThrownBy(() -> RawFiles.storeBase64(encoded, folder.resolve("big"), 100_000))
                .isInstanceOf(ClariException.class)
                .extracting(error -> ((ClariException) error).code())
                .isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(folder.resolve("big")).doesNotExist();
    }
}
