package com.claribi.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Answers a JSON 404 for any path no route handled, instead of Jetty's HTML error page. */
final class NotFoundFallback extends Handler.Wrapper {
    NotFoundFallback(Handler routes) {
        super(routes);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (super.handle(request, response, callback)) {
            return true;
        }
        HttpResponses.json(
                response, callback, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"No such path.\"}}");
        return true;
    }
}
