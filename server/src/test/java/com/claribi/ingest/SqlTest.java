package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SqlTest {
    @TempDir
    Path folder;

    @Test
    void identifiersAndLiteralsAreQuotedWithEmbeddedQuotesDoubled() {
        assertThat(Sql.ident("a\"; DROP TABLE x; --")).isEqualTo("\"a\"\"; DROP TABLE x; --\"");
        assertThat(Sql.literal("it's")).isEqualTo("'it''s'");
        assertThatThrownBy(() -> Sql.ident("nul\0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostileColumnNamesFromAFileAreStoredVerbatimAndHarmless() throws Exception {
        try (DuckWorkspace workspace = new DuckWorkspace(folder)) {
            Path csv = folder.resolve("evil.csv");
            java.nio.file.Files.writeString(csv, "\"x\"\"); DROP TABLE t; --\",'; select 1\n1,2\n");

            new Ingestor(IngestLimits.defaults(), java.time.Clock.systemUTC())
                    .ingest(workspace.connection, csv, SourceFormat.CSV, "evil");

            assertThat(workspace.schema("evil")).containsExactly("x\"); DROP TABLE t; -- BIGINT", "'; select 1 BIGINT");
        }
    }

    @Test
    @Timeout(60)
    void statementPastTheDeadlineIsCancelled() throws Exception {
        try (DuckWorkspace workspace = new DuckWorkspace(folder)) {
            Deadline deadline = Deadline.after(Duration.ofMillis(300));

            assertThatThrownBy(() -> Sql.execute(
                            workspace.connection,
                            "CREATE TABLE slow AS SELECT sum(i * i % 7) AS s FROM range(100000000000) t(i)",
                            deadline))
                    .isInstanceOf(SQLException.class);
            assertThat(workspace.rows("SELECT 42").get(0)).containsExactly("42");
        }
    }
}
