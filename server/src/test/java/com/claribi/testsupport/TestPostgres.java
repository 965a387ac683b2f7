package com.claribi.testsupport;

import com.claribi.platform.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for tests, shared by the whole JVM, handing out a brand-new empty database
 * per call.
 *
 * <p>The server is {@code CLARIBI_TEST_PG_URL} when set: a JDBC URL naming an existing database
 * (usually {@code postgres}) and a role allowed to {@code CREATE DATABASE}, e.g. {@code
 * jdbc:postgresql://127.0.0.1:5432/postgres?user=claribi&password=claribi} (CI sets this). Otherwise
 * a private throwaway cluster is created once per JVM from Debian's binaries ({@code
 * /usr/lib/postgresql/<version>/bin}) in a temp folder, listening on a free loopback port, and
 * deleted at JVM exit. As root it runs as the {@code postgres} user, since PostgreSQL refuses root.
 * With neither, {@link #freshDatabase()} fails naming both remedies: the suite never skips
 * PostgreSQL silently.
 *
 * <p>Thread-safe.
 */
public final class TestPostgres {
    private static final String URL_VARIABLE = "CLARIBI_TEST_PG_URL";
    private static final String PREFIX = "jdbc:postgresql://";
    private static final AtomicInteger databases = new AtomicInteger();
    private static Server server;
    private static RuntimeException unavailable;

    private TestPostgres() {}

    /** Creates an empty database on the test server and returns settings that reach it. */
    public static Config.Database freshDatabase() {
        Server current = server();
        String name = "claribi_test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection admin = current.connect();
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        current.created(name);
        return new Config.Database(Optional.of(current.urlFor(name)), current.username(), current.password());
    }

    private static synchronized Server server() {
        if (unavailable != null) {
            throw unavailable;
        }
        if (server == null) {
            String url = System.getenv(URL_VARIABLE);
            try {
                server = url == null || url.isBlank() ? PrivateCluster.start() : External.of(url.trim());
            } catch (RuntimeException e) {
                unavailable = e; // fail every later test at once, with the same explanation
                throw e;
            }
        }
        return server;
    }

    private interface Server {
        Connection connect() throws SQLException;

        String urlFor(String database);

        Optional<String> username();

        Optional<String> password();

        void created(String database);
    }

    /** A server someone else runs; the databases we create there are dropped at JVM exit. */
    private record External(String hostAndPort, String adminDatabase, String query, List<String> created)
            implements Server {
        private static final long CLEANUP_BUDGET_MILLIS = 10_000;

        static External of(String url) {
            if (!url.startsWith(PREFIX) || url.indexOf('/', PREFIX.length()) < 0) {
                throw new IllegalStateException(URL_VARIABLE + " must look like " + PREFIX
                        + "127.0.0.1:5432/postgres?user=claribi&password=claribi");
            }
            int slash = url.indexOf('/', PREFIX.length());
            int question = url.indexOf('?', slash);
            External external = new External(
                    url.substring(PREFIX.length(), slash),
                    url.substring(slash + 1, question < 0 ? url.length() : question),
                    question < 0 ? "" : url.substring(question),
                    new ArrayList<>());
            external.dropLeftovers();
            Runtime.getRuntime().addShutdownHook(new Thread(external::dropCreated, "test-postgres-cleanup"));
            return external;
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(urlFor(adminDatabase));
        }

        @Override
        public String urlFor(String database) {
            return PREFIX + hostAndPort + "/" + database + query;
        }

        @Override
        public Optional<String> username() {
            return Optional.empty();
        }

        @Override
        public Optional<String> password() {
            return Optional.empty();
        }

        @Override
        public synchronized void created(String database) {
            created.add(database);
        }

        /**
         * Drops this JVM's databases at exit, for at most {@link #CLEANUP_BUDGET_MILLIS} so that
         * Surefire never waits on it; whatever is left is dropped by the next run's {@link
         * #dropLeftovers()}.
         */
        private synchronized void dropCreated() {
            long deadline = System.currentTimeMillis() + CLEANUP_BUDGET_MILLIS;
            try (Connection admin = connect();
                    Statement statement = admin.createStatement()) {
                for (String database : created) {
                    if (System.currentTimeMillis() > deadline) {
                        return;
                    }
                    statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                }
            } catch (SQLException e) {
                System.err.println("could not drop test databases on " + hostAndPort + ": " + e.getMessage());
            }
        }

        /** Drops test databases left by test JVMs that are no longer running (names carry the pid). */
        private void dropLeftovers() {
            try (Connection admin = connect();
                    Statement statement = admin.createStatement()) {
                List<String> leftovers = new ArrayList<>();
                try (var rows = statement.executeQuery(
                        "SELECT datname FROM pg_database WHERE datname LIKE 'claribi\\_test\\_%'")) {
                    while (rows.next()) {
                        leftovers.add(rows.getString(1));
                    }
                }
                for (String database : leftovers) {
                    String[] parts = database.split("_");
                    boolean ownerAlive = parts.length == 4
                            && parts[2].chars().allMatch(Character::isDigit)
                            && ProcessHandle.of(Long.parseLong(parts[2]))
                                    .map(ProcessHandle::isAlive)
                                    .orElse(false);
                    if (!ownerAlive) {
                        statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                    }
                }
            } catch (SQLException e) {
                System.err.println("could not drop leftover test databases on " + hostAndPort + ": " + e.getMessage());
            }
        }
    }

    /** A cluster of our own in a temp folder, stopped and deleted at JVM exit. */
    private record PrivateCluster(int port, String user, String secret) implements Server {
        private static final Path DEBIAN_BINARIES = Path.of("/usr/lib/postgresql");

        static PrivateCluster start() {
            Path binaries = newestBinaries()
                    .orElseThrow(() -> unavailable("no PostgreSQL server binaries under " + DEBIAN_BINARIES));
            boolean root = "root".equals(System.getProperty("user.name"));
            try {
                Path folder = Files.createTempDirectory("claribi-test-pg");
                if (root) {
                    UserPrincipal postgres = folder.getFileSystem()
                            .getUserPrincipalLookupService()
                            .lookupPrincipalByName("postgres");
                    Files.setOwner(folder, postgres);
                }
                String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
                Path passwordFile = folder.resolve("password");
                Files.writeString(passwordFile, secret + "\n", StandardCharsets.UTF_8);
                if (root) {
                    Files.setOwner(passwordFile, Files.getOwner(folder));
                }
                Path data = folder.resolve("data");
                run(
                        root,
                        folder,
                        binaries.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        "claribi",
                        "--pwfile=" + passwordFile,
                        "--auth=scram-sha-256",
                        "-E",
                        "UTF8",
                        "--no-locale");
                int port = freePort();
                Files.writeString(
                        data.resolve("postgresql.auto.conf"),
                        String.join(
                                "\n",
                                "listen_addresses = '127.0.0.1'",
                                "port = " + port,
                                "unix_socket_directories = '" + folder + "'",
                                "max_connections = 300",
                                "shared_buffers = 32MB",
                                "fsync = off",
                                "synchronous_commit = off",
                                "full_page_writes = off",
                                ""),
                        StandardCharsets.UTF_8);
                if (root) {
                    Files.setOwner(data.resolve("postgresql.auto.conf"), Files.getOwner(folder));
                }
                String pgCtl = binaries.resolve("pg_ctl").toString();
                run(
                        root,
                        folder,
                        pgCtl,
                        "-D",
                        data.toString(),
                        "-l",
                        folder.resolve("server.log").toString(),
                        "-w",
                        "-t",
                        "60",
                        "start");
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(() -> stop(root, folder, pgCtl, data), "test-postgres-stop"));
                return new PrivateCluster(port, "claribi", secret);
            } catch (IOException e) {
                throw unavailable("could not start a private cluster: " + e.getMessage());
            }
        }

        @Override
        public Connection connect() throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", secret);
            return DriverManager.getConnection(urlFor("postgres"), properties);
        }

        @Override
        public String urlFor(String database) {
            return PREFIX + "127.0.0.1:" + port + "/" + database;
        }

        @Override
        public Optional<String> username() {
            return Optional.of(user);
        }

        @Override
        public Optional<String> password() {
            return Optional.of(secret);
        }

        @Override
        public void created(String database) {
            // the whole cluster goes at JVM exit
        }

        private static Optional<Path> newestBinaries() {
            if (!Files.isDirectory(DEBIAN_BINARIES)) {
                return Optional.empty();
            }
            try (Stream<Path> versions = Files.list(DEBIAN_BINARIES)) {
                return versions.map(version -> version.resolve("bin"))
                        .filter(bin ->
                                Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                        .max(Comparator.comparing(bin ->
                                majorVersion(bin.getParent().getFileName().toString())));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        private static int majorVersion(String folderName) {
            try {
                return Integer.parseInt(folderName);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        /** Runs a PostgreSQL tool, as {@code postgres} when we are root; fails with its output. */
        private static void run(boolean root, Path folder, String... command) throws IOException {
            List<String> line = new ArrayList<>();
            if (root) {
                line.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            line.addAll(List.of(command));
            Path output = folder.resolve("tool.log");
            Process process = new ProcessBuilder(line)
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try {
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw unavailable(command[0] + " did not finish within 120 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("interrupted while running " + command[0]);
            }
            if (process.exitValue() != 0) {
                throw unavailable(String.join(" ", line) + " exited with " + process.exitValue() + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
        }

        private static void stop(boolean root, Path folder, String pgCtl, Path data) {
            try {
                run(root, folder, pgCtl, "-D", data.toString(), "-m", "immediate", "-w", "stop");
            } catch (IOException | RuntimeException e) {
                System.err.println("could not stop the test PostgreSQL cluster in " + folder + ": " + e.getMessage());
            }
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("could not delete " + folder + ": " + e.getMessage());
            }
        }

        private static IllegalStateException unavailable(String reason) {
            return new IllegalStateException("No PostgreSQL for the tests (" + reason + "). Either set "
                    + URL_VARIABLE + "=jdbc:postgresql://127.0.0.1:5432/postgres?user=…&password=… for a role "
                    + "allowed to CREATE DATABASE, or install the server binaries (apt-get install postgresql) "
                    + "so the tests can start a private cluster.");
        }
    }
}
