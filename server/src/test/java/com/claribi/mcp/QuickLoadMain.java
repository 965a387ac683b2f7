package com.claribi.mcp;

import com.claribi.Application;
import com.claribi.platform.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A rough, by-hand load check (not a test): opens many idle sessions, then measures tools/call
 * throughput and latency with a few concurrent clients. The real benchmark lives in the e2e/bench
 * harness.
 */
final class QuickLoadMain {
    private QuickLoadMain() {}

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(args.length > 0 ? args[0] : "10000");
        int calls = Integer.parseInt(args.length > 1 ? args[1] : "20000");
        int concurrency = Integer.parseInt(args.length > 2 ? args[2] : "16");
        try (Application application = Application.start(Config.defaults()
                .withHome(Files.createTempDirectory("claribi-load"))
                .withPort(0))) {
            URI endpoint = URI.create(application.publicUrl() + "/mcp/v1/");
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
                for (int index = 0; index < sessions; index++) {
                    pool.submit(() -> {
                        HttpResponse<String> response = client.send(
                                HttpRequest.newBuilder(endpoint)
                                        .header("Content-Type", "application/json")
                                        .header("Accept", "application/json, text/event-stream")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"load\",\"version\":\"1\"}}}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        ids.add(response.headers().firstValue("Mcp-Session-Id").orElseThrow());
                        return null;
                    });
                }
            }
            System.gc();
            Thread.sleep(500);
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            System.out.printf(
                    "%d idle sessions, heap used %d MB%n",
                    ids.size(), (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024));
            long[] latencies = new long[calls];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
                for (int worker = 0; worker < concurrency; worker++) {
                    pool.submit(() -> {
                        int index;
                        while ((index = next.getAndIncrement()) < calls) {
                            String session = ids.get(index % ids.size());
                            long begin = System.nanoTime();
                            HttpResponse<String> response = client.send(
                                    HttpRequest.newBuilder(endpoint)
                                            .header("Content-Type", "application/json")
                                            .header("Accept", "application/json, text/event-stream")
                                            .header("Mcp-Session-Id", session)
                                            .header("MCP-Protocol-Version", "2025-11-25")
                                            .POST(
                                                    HttpRequest.BodyPublishers.ofString(
                                                            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"check_pricing\",\"arguments\":{}}}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            latencies[index] = System.nanoTime() - begin;
                            if (response.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            java.util.Arrays.sort(latencies);
            System.out.printf(
                    "%d tools/call in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, errors %d%n",
                    calls,
                    seconds,
                    calls / seconds,
                    latencies[calls / 2] / 1e6,
                    latencies[(int) (calls * 0.99)] / 1e6,
                    errors.get());
        }
    }
}
