package com.claribi.mcp;

import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 messages as MCP uses them (MCP §basic "Messages"). */
final class JsonRpc {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRpc() {}

    /** Any message a client sends. */
    sealed interface Message permits Request, Notification, Response {}

    /**
     * A request: {@code id} is a string or an integer (never null, MCP forbids it); {@code params}
     * an object (an absent one reads as empty).
     */
    record Request(JsonNode id, String method, ObjectNode params) implements Message {
        Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(params, "params");
            if (id == null || !(id.isString() || id.isIntegralNumber())) {
                throw McpException.invalidRequest("The request id must be a string or an integer.");
            }
        }

        ObjectNode meta() {
            JsonNode meta = params.get("_meta");
            return meta instanceof ObjectNode object ? object : NODES.objectNode();
        }
    }

    record Notification(String method, ObjectNode params) implements Message {
        Notification {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(params, "params");
        }
    }

    /** A client's answer to a request the server sent (sampling, elicitation, roots). */
    record Response(JsonNode id, JsonNode result, JsonNode error) implements Message {
        Response {
            Objects.requireNonNull(id, "id");
            if ((result == null) == (error == null)) {
                throw McpException.invalidRequest("A response carries exactly one of result and error.");
            }
        }
    }

    /**
     * Classifies one parsed JSON value.
     *
     * @throws McpException INVALID_REQUEST when it is not a JSON-RPC 2.0 message
     */
    static Message parse(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            throw McpException.invalidRequest("A JSON-RPC message must be an object.");
        }
        if (!"2.0".equals(object.path("jsonrpc").asString(null))) {
            throw McpException.invalidRequest("The jsonrpc member must be \"2.0\".");
        }
        JsonNode method = object.get("method");
        JsonNode id = object.get("id");
        if (method == null) {
            if (id == null || !(id.isString() || id.isIntegralNumber())) {
                throw McpException.invalidRequest("A message needs a method, or an id with a result or an error.");
            }
            return new Response(id, object.get("result"), object.get("error"));
        }
        if (!method.isString() || method.asString().isEmpty()) {
            throw McpException.invalidRequest("The method member must be a non-empty string.");
        }
        JsonNode params = object.get("params");
        ObjectNode paramsObject;
        if (params == null || params.isNull()) {
            paramsObject = NODES.objectNode();
        } else if (params instanceof ObjectNode given) {
            paramsObject = given;
        } else {
            throw McpException.invalidRequest("MCP params must be an object.");
        }
        if (id == null) {
            return new Notification(method.asString(), paramsObject);
        }
        return new Request(id, method.asString(), paramsObject);
    }

    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0");
        message.set("id", id);
        message.set("result", result);
        return message;
    }

    static ObjectNode error(JsonNode id, int code, String text, JsonNode data) {
        ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0");
        message.set("id", id == null ? NODES.nullNode() : id);
        ObjectNode error = message.putObject("error").put("code", code).put("message", text);
        if (data != null) {
            error.set("data", data);
        }
        return message;
    }

    static ObjectNode notification(String method, ObjectNode params) {
        ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0").put("method", method);
        message.set("params", params);
        return message;
    }

    static ObjectNode request(JsonNode id, String method, ObjectNode params) {
        ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0");
        message.set("id", id);
        message.put("method", method);
        message.set("params", params);
        return message;
    }
}
