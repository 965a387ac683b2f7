package com.claribi.auth.oauth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code application/x-www-form-urlencoded} parsing for query strings and form bodies. A parameter
 * sent twice is an error (RFC 6749 §3.1), as are more than 50 parameters.
 */
public final class FormData {
    private FormData() {}

    public static Map<String, String> parse(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        String[] pairs = encoded.split("&");
        if (pairs.length > 50) {
            throw OAuthException.invalidRequest("Too many parameters.");
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (value.isEmpty()) {
                continue;
            }
            if (values.putIfAbsent(name, value) != null) {
                throw OAuthException.invalidRequest("The parameter " + abbreviate(name) + " was sent more than once.");
            }
        }
        return values;
    }

    static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest("A parameter is not valid form encoding.");
        }
    }

    private static String abbreviate(String name) {
        return name.length() > 40 ? name.substring(0, 40) + "…" : name;
    }
}
