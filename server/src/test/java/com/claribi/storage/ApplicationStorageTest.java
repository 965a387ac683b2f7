package com.claribi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.platform.Config;
import com.claribi.testsupport.MetadataStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole server on each metadata store, with workspace storage and JVM metrics wired in. */
class ApplicationStorageTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void theServerIsReadyOnEitherStoreAndReportsStorageAndJvmMetrics(MetadataStores stores) throws Exception {
        Config config = stores.configure(Config.defaults().withHome(home).withPort(0));
        try (Application application = Application.start(config);
                HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> ready = get(client, application, "/readyz");
            HttpResponse<String> metrics = get(client, application, "/metrics");

            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("claribi_workspace_databases_open")
                    .contains("jvm_memory_used_bytes{area=\"heap\"")
                    .contains("jvm_gc_")
                    .contains("jvm_threads_live_threads")
                    .contains("system_cpu_count")
                    .contains("process_uptime_seconds");
        }
        assertThat(home.resolve("workspaces")).isDirectory();
    }

    private static HttpResponse<String> get(HttpClient client, Application application, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(application.publicUrl() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
