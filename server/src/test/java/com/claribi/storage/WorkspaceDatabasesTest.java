package com.claribi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspaceDatabasesTest {
    @TempDir
    Path home;

    private WorkspaceDatabases workspaces;

    @BeforeEach
    void open() {
        workspaces = WorkspaceDatabases.create(home, new WorkspaceDatabases.Limits(2, 128, 1));
    }

    @AfterEach
    void close() {
        workspaces.close();
    }

    @Test
    void defaultLimitsKeepEightSmallDatabasesOpen() {
        WorkspaceDatabases.Limits defaults = WorkspaceDatabases.Limits.defaults();

        assertThat(defaults.maxOpenDatabases()).isEqualTo(8);
        assertThat(defaults.memoryLimitMegabytes()).isEqualTo(512);
        assertThat(defaults.threads()).isBetween(1, 2);
        assertThatThrownBy(() -> new WorkspaceDatabases.Limits(0, 512, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkspaceDatabases.Limits(8, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkspaceDatabases.Limits(8, 512, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachWorkspaceHasItsOwnFolderAndDatabaseFileUnderHome() throws Exception {
        Path folder = workspaces.folder("ws_1");
        execute("ws_1", "CREATE TABLE t AS SELECT 1 AS x");

        assertThat(folder)
                .isEqualTo(home.toRealPath().resolve("workspaces/ws_1"))
                .isDirectory();
        assertThat(folder.resolve("analytics.duckdb")).isRegularFile();
    }

    @Test
    void readsACsvPlacedInTheWorkspaceFolder() throws Exception {
        Path csv = Files.writeString(
                workspaces.folder("acme").resolve("sales.csv"), "region,amount\nnorth,10\nsouth,32\n");

        long total = query("acme", "SELECT SUM(amount) FROM read_csv('" + csv + "')");

        assertThat(total).isEqualTo(42);
    }

    @Test
    void aHomePathWithQuotesCommasAndBracketsStillConfinesToTheFolder() throws Exception {
        try (WorkspaceDatabases odd =
                WorkspaceDatabases.create(home.resolve("we,ir'd] [home"), new WorkspaceDatabases.Limits(1, 128, 1))) {
            Path csv = Files.writeString(odd.folder("acme").resolve("a.csv"), "x\n3\n");
            Path sibling = Files.writeString(odd.folder("acme2").resolve("b.csv"), "x\n4\n");
            String quotedCsv = csv.toString().replace("'", "''");
            String quotedSibling = sibling.toString().replace("'", "''");

            long read = odd.withConnection("acme", connection -> {
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("SELECT x FROM read_csv('" + quotedCsv + "')")) {
                    rows.next();
                    return rows.getLong(1);
                }
            });
            String refused = odd.withConnection("acme", connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT x FROM read_csv('" + quotedSibling + "')");
                    return "";
                } catch (SQLException e) {
                    return e.getMessage();
                }
            });

            assertThat(read).isEqualTo(3);
            assertThat(refused).contains("Permission Error");
        }
    }

    @Test
    void aHomePathWithABackslashIsRefusedBecauseDuckDbTakesItForASeparator() {
        assertThatThrownBy(() ->
                        WorkspaceDatabases.create(home.resolve("back\\slash"), WorkspaceDatabases.Limits.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backslash");
    }

    @Test
    void copiesToAFileInsideTheWorkspaceFolder() throws Exception {
        Path target = workspaces.folder("acme").resolve("export.csv");

        execute("acme", "COPY (SELECT 7 AS answer) TO '" + target + "'");

        assertThat(target).content().contains("answer").contains("7");
    }

    @Test
    void builtInParquetAndJsonWorkInsideTheFolderWithoutAutoloading() throws Exception {
        Path folder = workspaces.folder("acme");
        Path json = Files.writeString(folder.resolve("rows.json"), "[{\"n\": 2}, {\"n\": 3}]");
        Path parquet = folder.resolve("rows.parquet");

        execute("acme", "COPY (SELECT * FROM read_json('" + json + "')) TO '" + parquet + "' (FORMAT parquet)");

        assertThat(query("acme", "SELECT SUM(n) FROM read_parquet('" + parquet + "')"))
                .isEqualTo(5);
    }

    @Test
    void tablesPersistAcrossClosingAndReopening() throws Exception {
        execute("acme", "CREATE TABLE kept AS SELECT 5 AS x");
        workspaces.close();

        workspaces = WorkspaceDatabases.create(home, new WorkspaceDatabases.Limits(2, 128, 1));

        assertThat(query("acme", "SELECT x FROM kept")).isEqualTo(5);
    }

    @Test
    void twoWorkspacesDoNotSeeEachOthersTables() throws Exception {
        execute("alpha", "CREATE TABLE secrets AS SELECT 1 AS x");

        assertThat(refusal("beta", "SELECT * FROM secrets")).contains("secrets");
        assertThat(refusal("beta", "SELECT * FROM alpha.secrets")).isNotEmpty();
    }

    @Test
    void aWorkspaceCannotReadFilesOfAnotherWorkspaceEvenOneWhoseIdItPrefixes() throws Exception {
        Path other = Files.writeString(workspaces.folder("acme2").resolve("data.csv"), "x\n1\n");
        workspaces.folder("acme");

        assertThat(refusal("acme", "SELECT * FROM read_csv('" + other + "')")).contains("Permission Error");
        assertThat(refusal("acme", "SELECT * FROM read_csv('" + workspaces.folder("acme") + "/../acme2/data.csv')"))
                .contains("Permission Error");
        assertThat(refusal("acme", "ATTACH '" + workspaces.folder("acme2").resolve("analytics.duckdb") + "' AS other"))
                .contains("Permission Error");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT * FROM read_csv('/etc/passwd')",
                "SELECT * FROM read_text('/etc/hostname')",
                "SELECT * FROM glob('/etc/*')",
                "SELECT * FROM read_csv('passwd')",
                "COPY (SELECT 1) TO '{home}/outside.csv'",
                "ATTACH '{home}/elsewhere.duckdb' AS elsewhere",
                "INSTALL httpfs",
                "LOAD httpfs",
                "INSTALL excel",
                "SET enable_external_access = true",
                "SET allowed_directories = ['/']",
                "SET allowed_paths = ['/etc/passwd']",
                "SET lock_configuration = false",
                "SET autoinstall_known_extensions = true",
                "SET memory_limit = '64GB'",
                "SET temp_directory = '/tmp'",
                "RESET enable_external_access",
            })
    void sqlCannotLeaveItsFolderOrLoosenTheSandbox(String sql) throws Exception {
        String statement = sql.replace("{home}", home.toString());

        assertThat(refusal("acme", statement)).containsAnyOf("Permission Error", "configuration has been locked");
        assertThat(home.resolve("outside.csv")).doesNotExist();
        assertThat(home.resolve("elsewhere.duckdb")).doesNotExist();
    }

    @Test
    void readingAUrlIsRefusedWithoutConnecting() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/data.csv";

            assertThat(refusal("acme", "SELECT * FROM read_csv('" + url + "')")).contains("Permission Error");
            assertThat(refusal("acme", "SELECT * FROM 'https://example.com/data.parquet'"))
                    .contains("Permission Error");
            listener.setSoTimeout(200);
            assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void theSandboxSettingsAreInForce() throws Exception {
        String settings = text(
                "acme",
                "SELECT string_agg(name || '=' || value, ';' ORDER BY name) FROM duckdb_settings() WHERE name IN"
                        + " ('autoinstall_known_extensions', 'autoload_known_extensions', 'enable_external_access',"
                        + " 'lock_configuration', 'threads')");

        assertThat(settings)
                .isEqualTo("autoinstall_known_extensions=false;autoload_known_extensions=false;"
                        + "enable_external_access=false;lock_configuration=true;threads=1");
        assertThat(text("acme", "SELECT current_setting('memory_limit')")).contains("MiB");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "../x",
                "..",
                ".",
                "a/b",
                "a\\b",
                "/etc",
                "-leading-dash",
                "_leading",
                "a b",
                "a.b",
                "ä",
                "a\u0000b",
                "12345678901234567890123456789012345678901234567890123456789012345"
            })
    void malformedWorkspaceIdsAreRefusedBeforeTouchingTheDisk(String workspaceId) throws IOException {
        assertThatThrownBy(() -> workspaces.withConnection(workspaceId, connection -> 1))
                .isInstanceOfSatisfying(
                        ClariException.class, error -> assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> workspaces.folder(workspaceId)).isInstanceOf(ClariException.class);
        try (var entries = Files.list(home)) {
            assertThat(entries).containsExactly(home.resolve("workspaces"));
        }
        try (var entries = Files.list(home.resolve("workspaces"))) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void theLongestAllowedIdWorks() throws Exception {
        String id = "a".repeat(64);

        assertThat(query(id, "SELECT 1")).isOne();
    }

    @Test
    void leastRecentlyUsedIdleDatabasesAreClosedCleanlyBeyondTheLimit() throws Exception {
        execute("first", "CREATE TABLE t AS SELECT 1 AS x");
        execute("second", "CREATE TABLE t AS SELECT 2 AS x");
        assertThat(workspaces.openDatabases()).isEqualTo(2);

        execute("third", "CREATE TABLE t AS SELECT 3 AS x");

        assertThat(workspaces.openDatabases()).isEqualTo(2);
        assertThat(workspaces.folder("first").resolve("analytics.duckdb.wal")).doesNotExist();
        assertThat(query("first", "SELECT x FROM t")).isEqualTo(1);
        assertThat(query("second", "SELECT x FROM t")).isEqualTo(2);
        assertThat(query("third", "SELECT x FROM t")).isEqualTo(3);
    }

    @Test
    void manyThreadsShareMoreWorkspacesThanThePoolHolds() throws Exception {
        int threads = 12;
        List<String> ids = List.of("w0", "w1", "w2", "w3");
        for (String id : ids) {
            execute(id, "CREATE TABLE events (thread INTEGER, n INTEGER)");
        }
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            int current = thread;
            tasks.add(() -> {
                for (int round = 0; round < 10; round++) {
                    String id = ids.get((current + round) % ids.size());
                    int n = round;
                    workspaces.withConnection(id, connection -> {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("INSERT INTO events VALUES (" + current + ", " + n + ")");
                            statement
                                    .executeQuery("SELECT COUNT(*) FROM events")
                                    .close();
                        }
                        return null;
                    });
                }
                return null;
            });
        }
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (Future<Void> done : executor.invokeAll(tasks)) {
                done.get();
            }
        }

        long total = 0;
        for (String id : ids) {
            total += query(id, "SELECT COUNT(*) FROM events");
        }
        assertThat(total).isEqualTo(threads * 10L);
        assertThat(workspaces.openDatabases()).isLessThanOrEqualTo(2);
    }

    @Test
    void afterCloseUseIsRefusedAndCloseIsIdempotent() throws Exception {
        execute("acme", "CREATE TABLE t AS SELECT 1 AS x");

        workspaces.close();
        workspaces.close();

        assertThat(workspaces.openDatabases()).isZero();
        assertThatThrownBy(() -> query("acme", "SELECT 1"))
                .isInstanceOfSatisfying(
                        ClariException.class, error -> assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(workspaces.folder("acme").resolve("analytics.duckdb.wal")).doesNotExist();
    }

    @Test
    void anSqlErrorEscapingTheWorkIsAGenericInternalError() {
        assertThatThrownBy(() -> execute("acme", "SELEC nonsense"))
                .isInstanceOfSatisfying(ClariException.class, error -> {
                    assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(error.getMessage()).doesNotContain("SELEC");
                });
    }

    private void execute(String workspaceId, String sql) {
        workspaces.withConnection(workspaceId, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return null;
        });
    }

    private long query(String workspaceId, String sql) {
        return workspaces.withConnection(workspaceId, connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private String text(String workspaceId, String sql) {
        return workspaces.withConnection(workspaceId, connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getString(1);
            }
        });
    }

    /** The error DuckDB gives for {@code sql}, or an empty string when it was accepted. */
    private String refusal(String workspaceId, String sql) {
        return workspaces.withConnection(workspaceId, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
                return "";
            } catch (SQLException e) {
                return e.getMessage();
            }
        });
    }
}
