package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §6 URL fetcher: every hostile URL, direct or reached by a redirect from an allowlisted
 * loopback server, is refused with a typed error and without one connection reaching the loopback
 * listener that stands in for an internal service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UrlFetcherTest {
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<ServerSocket> listeners = new ArrayList<>();
    private int hostilePort;
    private HttpServer allowed;
    private int allowedPort;
    private UrlFetcher fetcher;
    private final AtomicInteger resolutions = new AtomicInteger();

    @TempDir
    Path folder;

    @BeforeAll
    void start() throws IOException {
        ServerSocket v4 = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        hostilePort = v4.getLocalPort();
        listeners.add(v4);
        try {
            listeners.add(new ServerSocket(hostilePort, 50, InetAddress.getByName("::1")));
        } catch (IOException noIpv6) {
            // IPv6 loopback unavailable: nothing could connect there either
        }
        for (ServerSocket listener : listeners) {
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        accepted.incrementAndGet();
                        socket.setSoLinger(true, 0);
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }
        allowed = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        allowed.createContext("/redirect", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String target = URLDecoder.decode(query.substring("to=".length()), StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Location", target);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        allowed.createContext("/loop", exchange -> {
            exchange.getResponseHeaders().add("Location", "/loop");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        allowed.createContext("/sales.csv", exchange -> {
            byte[] body = "region,revenue\nnorth,10\nsouth,20\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/csv; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        allowed.createContext("/big", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int index = 0; index < 64; index++) {
                    out.write(chunk);
                }
            } catch (IOException aborted) {
                // the fetcher hung up at its cap
            }
        });
        allowed.createContext("/gzip-bomb", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
                gzip.write(new byte[8 * 1024 * 1024]);
            }
            exchange.sendResponseHeaders(200, compressed.size());
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(compressed.toByteArray());
            } catch (IOException aborted) {
                // the fetcher hung up at its cap
            }
        });
        allowed.start();
        allowedPort = allowed.getAddress().getPort();
        Map<String, List<InetAddress>> names = Map.ofEntries(
                Map.entry("loopback.evil.test", List.of(address("127.0.0.1"))),
                Map.entry("private.evil.test", List.of(address("10.1.2.3"))),
                Map.entry("private172.evil.test", List.of(address("172.20.0.5"))),
                Map.entry("home.evil.test", List.of(address("192.168.0.10"))),
                Map.entry("metadata.evil.test", List.of(address("169.254.169.254"))),
                Map.entry("mapped.evil.test", List.of(v6("::ffff:127.0.0.1"))),
                Map.entry("nat64.evil.test", List.of(v6("64:ff9b::7f00:1"))),
                Map.entry("cgnat.evil.test", List.of(address("100.100.100.200"))),
                Map.entry("ula.evil.test", List.of(v6("fd00::1"))),
                Map.entry("linklocal6.evil.test", List.of(v6("fe80::1"))),
                Map.entry("mixed.evil.test", List.of(address("93.184.216.34"), address("127.0.0.1"))),
                Map.entry("zero.evil.test", List.of(address("0.0.0.0"))),
                Map.entry("v6loop.evil.test", List.of(v6("::1"))),
                Map.entry("unspecified6.evil.test", List.of(v6("::"))),
                Map.entry("multicast.evil.test", List.of(address("239.1.1.1"))),
                Map.entry("files.test", List.of(address("127.0.0.1"))));
        HostResolver resolver = host -> {
            resolutions.incrementAndGet();
            List<InetAddress> found = names.get(host);
            if (found == null) {
                throw new UnknownHostException(host);
            }
            return found;
        };
        fetcher = new UrlFetcher(
                new UrlFetcher.Limits(
                        1024 * 1024, 5, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)),
                List.of("127.0.0.1:" + allowedPort, "files.test:" + allowedPort),
                resolver);
    }

    @AfterAll
    void stop() throws IOException {
        fetcher.close();
        allowed.stop(0);
        for (ServerSocket listener : listeners) {
            listener.close();
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An IPv6 address kept in IPv6 form (InetAddress.getByName folds mapped addresses to IPv4). */
    private static InetAddress v6(String text) {
        try {
            return Inet6Address.getByAddress(
                    null,
                    InetAddress.getByName("[" + text + "]").getAddress().length == 16
                            ? InetAddress.getByName("[" + text + "]").getAddress()
                            : mapped(InetAddress.getByName(text).getAddress()),
                    null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] mapped(byte[] v4) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(v4, 0, bytes, 12, 4);
        return bytes;
    }

    /** Hostile URL templates; {@code PORT} is the loopback listener's port. */
    static List<String> hostileUrls() {
        return List.of(
                "http://127.0.0.1:PORT/",
                "http://127.1:PORT/",
                "http://2130706433:PORT/",
                "http://0177.0.0.1:PORT/",
                "http://0x7f.1:PORT/",
                "http://0x7f000001:PORT/",
                "http://017700000001:PORT/",
                "http://127.000.000.001:PORT/",
                "http://0:PORT/",
                "http://[::1]:PORT/",
                "http://[::]:PORT/",
                "http://0.0.0.0:PORT/",
                "http://[::ffff:127.0.0.1]:PORT/",
                "http://[::ffff:7f00:1]:PORT/",
                "http://[::127.0.0.1]:PORT/",
                "http://[64:ff9b::7f00:1]:PORT/",
                "http://[64:ff9b::a9fe:a9fe]:PORT/latest/meta-data/",
                "http://[2002:7f00:1::]:PORT/",
                "http://10.0.0.1:PORT/",
                "http://172.16.0.1:PORT/",
                "http://172.31.255.255:PORT/",
                "http://192.168.1.1:PORT/",
                "http://169.254.169.254:PORT/latest/meta-data/",
                "http://100.64.0.1:PORT/",
                "http://100.127.255.254:PORT/",
                "http://[fc00::1]:PORT/",
                "http://[fd12:3456::1]:PORT/",
                "http://[fe80::1]:PORT/",
                "http://[::ffff:10.0.0.1]:PORT/",
                "http://[::ffff:169.254.169.254]:PORT/",
                "http://224.0.0.1:PORT/",
                "http://255.255.255.255:PORT/",
                "http://metadata.google.internal:PORT/computeMetadata/v1/",
                "http://metadata:PORT/",
                "http://instance-data:PORT/latest/",
                "http://localhost:PORT/",
                "http://sub.localhost:PORT/",
                "http://user:secret@127.0.0.1:PORT/",
                "http://example.com@127.0.0.1:PORT/",
                "http://user@files.example.com:PORT/",
                "ftp://127.0.0.1:PORT/",
                "file:///etc/passwd",
                "gopher://127.0.0.1:PORT/",
                "http://loopback.evil.test:PORT/",
                "http://private.evil.test:PORT/",
                "http://private172.evil.test:PORT/",
                "http://home.evil.test:PORT/",
                "http://metadata.evil.test:PORT/",
                "http://mapped.evil.test:PORT/",
                "http://nat64.evil.test:PORT/",
                "http://cgnat.evil.test:PORT/",
                "http://ula.evil.test:PORT/",
                "http://linklocal6.evil.test:PORT/",
                "http://mixed.evil.test:PORT/",
                "http://zero.evil.test:PORT/",
                "http://v6loop.evil.test:PORT/",
                "http://unspecified6.evil.test:PORT/",
                "http://multicast.evil.test:PORT/");
    }

    static Stream<String> hostile() {
        return hostileUrls().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileUrlIsRefusedWithoutAnyConnection(String template) {
        String url = template.replace("PORT", Integer.toString(hostilePort));
        int before = accepted.get();

        assertThatThrownBy(() -> fetcher.fetch(url, folder.resolve("out"), Optional.empty()))
                .isInstanceOf(ClariException.class)
                .extracting(error -> ((ClariException) error).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(accepted.get()).isEqualTo(before);
        assertThat(folder.resolve("out")).doesNotExist();
    }

    @ParameterizedTest(name = "redirect to {0}")
    @MethodSource("hostile")
    void redirectFromAnAllowlistedServerToAHostileUrlIsRefusedWithoutAnyConnection(String template) {
        String target = template.replace("PORT", Integer.toString(hostilePort));
        String url = "http://127.0.0.1:" + allowedPort + "/redirect?to="
                + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8);
        int before = accepted.get();

        assertThatThrownBy(() -> fetcher.fetch(url, folder.resolve("out"), Optional.empty()))
                .isInstanceOf(ClariException.class)
                .extracting(error -> ((ClariException) error).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(accepted.get()).isEqualTo(before);
    }

    @Test
    void suiteHoldsAtLeastFortyEightHostileUrls() {
        assertThat(hostileUrls()).hasSizeGreaterThanOrEqualTo(48).doesNotHaveDuplicates();
    }

    @Test
    void allowlistedLoopbackFetchSucceedsAndDetectsTheFormat() throws IOException {
        FetchedFile fetched = fetcher.fetch(
                "http://127.0.0.1:" + allowedPort + "/sales.csv", folder.resolve("sales"), Optional.empty());

        assertThat(fetched.format()).isEqualTo(SourceFormat.CSV);
        assertThat(fetched.bytes()).isEqualTo(Files.size(folder.resolve("sales")));
        assertThat(Files.readString(folder.resolve("sales"))).startsWith("region,revenue");
        assertThat(fetched.redirects()).isZero();
    }

    @Test
    void allowlistedNameIsResolvedOnceAndTheConnectionGoesToThatAddress() {
        int before = resolutions.get();

        FetchedFile fetched = fetcher.fetch(
                "http://files.test:" + allowedPort + "/sales.csv", folder.resolve("named"), Optional.empty());

        assertThat(fetched.bytes()).isPositive();
        assertThat(resolutions.get() - before).isEqualTo(1);
    }

    @Test
    void redirectsWithinTheAllowlistAreFollowed() {
        String url = "http://127.0.0.1:" + allowedPort + "/redirect?to="
                + java.net.URLEncoder.encode("http://127.0.0.1:" + allowedPort + "/sales.csv", StandardCharsets.UTF_8);

        FetchedFile fetched = fetcher.fetch(url, folder.resolve("followed"), Optional.empty());

        assertThat(fetched.redirects()).isEqualTo(1);
        assertThat(fetched.finalUrl().getPath()).isEqualTo("/sales.csv");
    }

    @Test
    void moreThanFiveRedirectsAreRefused() {
        assertThatThrownBy(() -> fetcher.fetch(
                        "http://127.0.0.1:" + allowedPort + "/loop", folder.resolve("loop"), Optional.empty()))
                .isInstanceOf(ClariException.class)
                .hasMessageContaining("redirected more than 5 times");
    }

    @Test
    void bodyLargerThanTheCapIsRefusedAndNotKept() {
        assertThatThrownBy(() -> fetcher.fetch(
                        "http://127.0.0.1:" + allowedPort + "/big", folder.resolve("big"), Optional.empty()))
                .isInstanceOf(ClariException.class)
                .extracting(error -> ((ClariException) error).code())
                .isEqualTo(ErrorCode.TOO_LARGE);
        assertThatThrownBy(() -> fetcher.fetch(
                        "http://127.0.0.1:" + allowedPort + "/big", folder.resolve("big"), Optional.empty()))
                .hasMessage("the file is larger than 1 MB, the limit for a URL data source");
        assertThat(folder.resolve("big")).doesNotExist();
    }

    @Test
    void sizeCapCountsDecodedBytesOfACompressedBody() {
        assertThatThrownBy(() -> fetcher.fetch(
                        "http://127.0.0.1:" + allowedPort + "/gzip-bomb", folder.resolve("gz"), Optional.empty()))
                .isInstanceOf(ClariException.class)
                .extracting(error -> ((ClariException) error).code())
                .isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void addressPolicyAcceptsPublicAddresses() {
        assertThat(AddressPolicy.refuseAddress(address("93.184.216.34"))).isEmpty();
        assertThat(AddressPolicy.refuseAddress(address("8.8.8.8"))).isEmpty();
        assertThat(AddressPolicy.refuseAddress(v6("2606:4700:4700::1111"))).isEmpty();
        assertThat(AddressPolicy.refuseAddress(address("172.32.0.1"))).isEmpty();
        assertThat(AddressPolicy.refuseAddress(address("100.128.0.1"))).isEmpty();
        assertThat(AddressPolicy.refuseName("example.com")).isEmpty();
        assertThat(AddressPolicy.refuseName("1password.com")).isEmpty();
        assertThat(AddressPolicy.refuseName("93.184.216.34")).isEmpty();
    }
}
