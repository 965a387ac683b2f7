package com.claribi.mcp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The opaque {@code requestState} of SEP-2322 multi-round-trip requests: names the tool it was
 * issued for and is HMAC-signed so a client cannot forge or alter it. The key is random per
 * process, so a retry must reach the same process within its lifetime (docs/mcp.md). Thread-safe.
 */
final class RequestState {
    private final byte[] key = new byte[32];

    RequestState() {
        new SecureRandom().nextBytes(key);
    }

    String issue(String toolName) {
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("tool:" + toolName).getBytes(StandardCharsets.UTF_8));
        return payload + "." + sign(payload);
    }

    /**
     * Checks the {@code requestState} of a retried call, when there is one.
     *
     * @throws McpException INVALID_PARAMS when it is malformed, tampered with or for another tool
     */
    void verify(ObjectNode params, String toolName) {
        JsonNode state = params.get("requestState");
        if (state == null || state.isNull()) {
            return;
        }
        String value = state.isString() ? state.asString() : "";
        int dot = value.indexOf('.');
        if (dot <= 0
                || !MessageDigest.isEqual(
                        sign(value.substring(0, dot)).getBytes(StandardCharsets.US_ASCII),
                        value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw McpException.invalidParams("requestState is not one this server issued.");
        }
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(value.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw McpException.invalidParams("requestState is not one this server issued.");
        }
        if (!payload.equals("tool:" + toolName)) {
            throw McpException.invalidParams("requestState was issued for another request.");
        }
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
