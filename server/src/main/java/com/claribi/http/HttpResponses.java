package com.claribi.http;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Small helpers for writing whole responses from handlers. */
public final class HttpResponses {
    private HttpResponses() {}

    /** Writes {@code body} as the whole response with the given status and JSON content type. */
    public static void json(Response response, Callback callback, int status, String body) {
        write(response, callback, status, "application/json", body);
    }

    /** Writes {@code body} as the whole response. */
    public static void write(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType + "; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, StandardCharsets.UTF_8.encode(body), callback);
    }
}
