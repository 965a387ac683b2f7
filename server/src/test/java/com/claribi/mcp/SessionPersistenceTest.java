package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.auth.Authenticator;
import com.claribi.testsupport.TestPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions are rows in the metadata store: a second server on the same PostgreSQL database (each
 * with its own session store, as two processes have) continues a session the first issued, and a
 * session ended on one is refused by the other at once.
 */
class SessionPersistenceTest {
    @TempDir
    Path home;

    @Test
    void anotherServerOnTheSameDatabaseContinuesTheSessionAndRefusesItAtOnceWhenEnded() throws Exception {
        try (TestServer first = TestServer.start(home, TestPostgres.freshDatabase(), Authenticator.NONE);
                TestServer second = first.sibling()) {
            String session = first.initialize();

            HttpResponse<String> onSecond = second.call(session, """
                    {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}""");
            assertThat(onSecond.statusCode()).isEqualTo(200);
            assertThat(onSecond.body()).contains("check_pricing");

            HttpResponse<String> delete = first.client.send(
                    HttpRequest.newBuilder(first.endpoint())
                            .header("Mcp-Session-Id", session)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(delete.statusCode()).isEqualTo(200);

            assertThat(second.call(session, """
                            {"jsonrpc": "2.0", "id": 2, "method": "ping"}""").statusCode()).isEqualTo(404);
            assertThat(first.call(session, """
                            {"jsonrpc": "2.0", "id": 3, "method": "ping"}""").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theLogLevelSetOnOneServerIsStoredWithTheSession() throws Exception {
        try (TestServer server = TestServer.start(home, Authenticator.NONE)) {
            String session = server.initialize();

            HttpResponse<String> response = server.call(session, """
                    {"jsonrpc": "2.0", "id": 1, "method": "logging/setLevel", "params": {"level": "warning"}}""");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(server.mcp().sessions().find(session).orElseThrow().logLevel())
                    .contains("warning");
        }
    }

    @Test
    void anUnknownLogLevelIsInvalidParams() throws Exception {
        try (TestServer server = TestServer.start(home, Authenticator.NONE)) {
            String session = server.initialize();

            HttpResponse<String> response = server.call(session, """
                    {"jsonrpc": "2.0", "id": 1, "method": "logging/setLevel", "params": {"level": "loud"}}""");

            assertThat(response.body()).contains("-32602");
        }
    }
}
