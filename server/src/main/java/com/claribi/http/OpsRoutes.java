package com.claribi.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Liveness, readiness and Prometheus metrics for operators and load balancers. */
public final class OpsRoutes {
    private OpsRoutes() {}

    /** Adds {@code /healthz}, {@code /readyz} and {@code /metrics}. */
    public static void register(
            HttpServer.Routes routes, BooleanSupplier metadataStoreReachable, PrometheusMeterRegistry metrics) {
        routes.add(
                "/healthz",
                get((request, response, callback) ->
                        HttpResponses.json(response, callback, 200, "{\"status\":\"ok\"}")));
        routes.add("/readyz", get((request, response, callback) -> {
            boolean ready = metadataStoreReachable.getAsBoolean();
            HttpResponses.json(
                    response,
                    callback,
                    ready ? 200 : 503,
                    ready
                            ? "{\"status\":\"ready\",\"metadata_store\":\"up\"}"
                            : "{\"status\":\"unavailable\",\"metadata_store\":\"down\"}");
        }));
        routes.add(
                "/metrics",
                get((request, response, callback) ->
                        HttpResponses.write(response, callback, 200, "text/plain; version=0.0.4", metrics.scrape())));
    }

    private interface Body {
        void handle(Request request, Response response, Callback callback) throws Exception;
    }

    private static Handler get(Body body) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
                    response.getHeaders().put("Allow", "GET, HEAD");
                    HttpResponses.json(
                            response,
                            callback,
                            405,
                            "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"Use GET.\"}}");
                    return true;
                }
                body.handle(request, response, callback);
                return true;
            }
        };
    }
}
