package com.claribi.auth.oauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Redirect-URI rules (OAuth 2.1 §2.3.1, RFC 8252): https anywhere; http only on a loopback host;
 * private-use schemes for native apps; never a fragment, userinfo, or a scheme a browser would run
 * or render itself. Matching is exact string comparison, except that the port of an http loopback
 * URI may differ (RFC 8252 §7.3).
 */
final class RedirectUris {
    private static final Set<String> FORBIDDEN_SCHEMES = Set.of(
            "javascript", "data", "vbscript", "file", "about", "blob", "filesystem", "ftp", "ws", "wss", "mailto");
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

    private RedirectUris() {}

    static List<String> validateAll(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new OAuthException(400, "invalid_redirect_uri", "redirect_uris must be a non-empty array.");
        }
        if (node.size() > 10) {
            throw new OAuthException(400, "invalid_redirect_uri", "At most 10 redirect_uris may be registered.");
        }
        List<String> uris = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isString()) {
                throw new OAuthException(400, "invalid_redirect_uri", "Every redirect URI must be a string.");
            }
            uris.add(validate(element.asString()));
        }
        return List.copyOf(uris);
    }

    static String validate(String text) {
        if (text.length() > 2000 || text.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
            throw refused("is too long or contains spaces or control characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw refused("is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) {
            throw refused("must be absolute");
        }
        if (FORBIDDEN_SCHEMES.contains(scheme)) {
            throw refused("uses the " + scheme + ": scheme, which is never allowed");
        }
        if (uri.getRawFragment() != null) {
            throw refused("must not contain a fragment");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused("must not contain user information");
        }
        switch (scheme) {
            case "https" -> {
                if (uri.getHost() == null) {
                    throw refused("needs a host");
                }
            }
            case "http" -> {
                if (uri.getHost() == null
                        || !LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
                    throw refused("may use http only on a loopback address (127.0.0.1, [::1] or localhost)");
                }
            }
            default -> {
                if (uri.isOpaque() && !text.contains(":/")) {
                    throw refused("with a private-use scheme must look like com.example.app:/callback (RFC 8252)");
                }
            }
        }
        return text;
    }

    /** Exact match, or the same http loopback URI on another port. */
    static boolean matchesAny(String requested, List<String> registered) {
        if (registered.contains(requested)) {
            return true;
        }
        URI asked;
        try {
            asked = new URI(requested);
        } catch (URISyntaxException e) {
            return false;
        }
        if (!"http".equals(asked.getScheme())
                || asked.getHost() == null
                || !LOOPBACK_HOSTS.contains(asked.getHost())
                || asked.getRawUserInfo() != null
                || asked.getRawFragment() != null) {
            return false;
        }
        for (String candidate : registered) {
            try {
                URI known = new URI(candidate);
                if ("http".equals(known.getScheme())
                        && asked.getHost().equals(known.getHost())
                        && equal(asked.getRawPath(), known.getRawPath())
                        && equal(asked.getRawQuery(), known.getRawQuery())) {
                    return true;
                }
            } catch (URISyntaxException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean equal(String left, String right) {
        return left == null ? right == null : left.equals(right);
    }

    private static OAuthException refused(String why) {
        return new OAuthException(400, "invalid_redirect_uri", "A redirect URI " + why + ".");
    }
}
