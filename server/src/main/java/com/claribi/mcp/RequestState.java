package com.claribi.mcp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The opaque {@code requestState} of SEP-2322 multi-round-trip requests. It carries the request it
 * was issued for and the client's answers from earlier rounds (so a later round need not repeat
 * them), expires after {@link #LIFETIME}, and is HMAC-SHA256 signed so a client cannot forge or
 * alter it. The key is random per process: a retry must reach the process that issued the state
 * (docs/mcp.md). Thread-safe.
 */
final class RequestState {
    static final Duration LIFETIME = Duration.ofMinutes(30);

    private final byte[] key = new byte[32];
    private final JsonMapper mapper;
    private final Clock clock;

    RequestState(JsonMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    /**
     * @param subject the request this state belongs to, such as {@code tools/call:check_pricing}
     * @param answers the answers collected so far, by input request key
     */
    String issue(String subject, ObjectNode answers) {
        ObjectNode payload =
                JsonRpc.NODES.objectNode().put("s", subject).put("e", clock.millis() + LIFETIME.toMillis());
        ObjectNode kept = payload.putObject("a");
        for (Map.Entry<String, JsonNode> entry : answers.properties()) {
            if (entry.getValue().isObject()) {
                kept.set(entry.getKey(), entry.getValue());
            }
        }
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(mapper.writeValueAsBytes(payload));
        return encoded + "." + sign(encoded);
    }

    /**
     * The answers carried by a retried request's {@code requestState}; empty without one.
     *
     * @throws McpException INVALID_PARAMS when it is malformed, tampered with, expired or for
     *     another request
     */
    ObjectNode open(ObjectNode params, String subject) {
        JsonNode state = params.get("requestState");
        if (state == null || state.isNull()) {
            return JsonRpc.NODES.objectNode();
        }
        String value = state.isString() ? state.asString() : "";
        int dot = value.indexOf('.');
        if (dot <= 0
                || !MessageDigest.isEqual(
                        sign(value.substring(0, dot)).getBytes(StandardCharsets.US_ASCII),
                        value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw McpException.invalidParams("requestState failed its integrity check; start the request again.");
        }
        JsonNode payload;
        try {
            payload = mapper.readTree(Base64.getUrlDecoder().decode(value.substring(0, dot)));
        } catch (IllegalArgumentException | JacksonException e) {
            throw McpException.invalidParams("requestState failed its integrity check; start the request again.");
        }
        if (!subject.equals(payload.path("s").asString(""))) {
            throw McpException.invalidParams("requestState was issued for another request.");
        }
        if (payload.path("e").asLong(0) < clock.millis()) {
            throw McpException.invalidParams("requestState has expired; start the request again.");
        }
        return payload.get("a") instanceof ObjectNode answers ? answers.deepCopy() : JsonRpc.NODES.objectNode();
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
