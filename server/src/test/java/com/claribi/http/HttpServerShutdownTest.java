package com.claribi.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful stop: requests in flight when {@link HttpServer#close()} starts complete, while idle
 * keep-alive connections are closed at once instead of holding the stop for the grace period.
 */
class HttpServerShutdownTest {
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch slowMayFinish = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void start() {
        HttpServer.Routes routes = new HttpServer.Routes()
                .add("/fast", new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        HttpResponses.json(response, callback, 200, "{\"ok\":true}");
                        return true;
                    }
                })
                .add("/slow", new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) throws Exception {
                        slowStarted.countDown();
                        slowMayFinish.await(30, TimeUnit.SECONDS);
                        HttpResponses.json(response, callback, 200, "{\"slow\":\"done\"}");
                        return true;
                    }
                });
        server = HttpServer.start("127.0.0.1", 0, routes, GRACE);
    }

    @AfterEach
    void stop() {
        slowMayFinish.countDown();
        server.close();
    }

    @Test
    void anIdleKeepAliveConnectionDoesNotDelayTheStop() throws Exception {
        try (Socket idle = new Socket("127.0.0.1", server.port())) {
            assertThat(exchange(idle, "/fast")).startsWith("HTTP/1.1 200").contains("{\"ok\":true}");

            long started = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).as("far below the 5-minute idle timeout").isLessThan(Duration.ofSeconds(10));
            assertThat(idle.getInputStream().read())
                    .as("the idle connection was closed")
                    .isEqualTo(-1);
        }
    }

    @Test
    void aRequestInFlightWhenTheStopStartsCompletesWhileIdleConnectionsClose() throws Exception {
        try (Socket idle = new Socket("127.0.0.1", server.port());
                Socket busy = new Socket("127.0.0.1", server.port());
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(exchange(idle, "/fast")).startsWith("HTTP/1.1 200");
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return exchange(busy, "/slow");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads);
            assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();

            long started = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close, threads);
            Thread.sleep(300);
            assertThat(closing).as("the stop waits for the request in flight").isNotDone();
            assertThat(idle.getInputStream().read())
                    .as("the idle connection is closed while draining")
                    .isEqualTo(-1);
            slowMayFinish.countDown();

            assertThat(slow.get(10, TimeUnit.SECONDS))
                    .startsWith("HTTP/1.1 200")
                    .contains("{\"slow\":\"done\"}");
            closing.get(10, TimeUnit.SECONDS);
            // far below the 5-minute idle timeout an idle connection could otherwise hold the stop for
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** Sends one keep-alive GET and reads its whole response (headers and Content-Length body). */
    private static String exchange(Socket socket, String path) throws IOException {
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) next);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
