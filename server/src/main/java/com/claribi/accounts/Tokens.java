package com.claribi.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Random identifiers and bearer secrets. A secret is {@code prefix + 40 random base62 characters +
 * 6 base62 characters of CRC32 over everything before it}: 238 bits of entropy, and a typo or a
 * truncated paste is rejected before any database lookup. Only the SHA-256 of a secret is stored.
 */
final class Tokens {
    static final String MCP_KEY_PREFIX = "claribi_mcp_";
    static final String REST_KEY_PREFIX = "claribi_api_";
    static final String ACCESS_TOKEN_PREFIX = "claribi_at_";

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int RANDOM_LENGTH = 40;
    private static final int CHECKSUM_LENGTH = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    static String randomBase62(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        }
        return out.toString();
    }

    /** A new non-secret identifier such as {@code ws_3kq…}; 20 base62 characters (119 bits). */
    static String id(String prefix) {
        return prefix + randomBase62(20);
    }

    static String mintSecret(String prefix) {
        String body = prefix + randomBase62(RANDOM_LENGTH);
        return body + checksum(body);
    }

    /** True when {@code token} has {@code prefix}, the right length and alphabet, and its checksum. */
    static boolean wellFormed(String token, String prefix) {
        if (token == null
                || !token.startsWith(prefix)
                || token.length() != prefix.length() + RANDOM_LENGTH + CHECKSUM_LENGTH) {
            return false;
        }
        for (int i = prefix.length(); i < token.length(); i++) {
            if (BASE62.indexOf(token.charAt(i)) < 0) {
                return false;
            }
        }
        int split = token.length() - CHECKSUM_LENGTH;
        return MessageDigest.isEqual(
                checksum(token.substring(0, split)).getBytes(StandardCharsets.US_ASCII),
                token.substring(split).getBytes(StandardCharsets.US_ASCII));
    }

    /** What a key list shows: the prefix and the first four random characters. */
    static String displayHint(String secret, String prefix) {
        return secret.substring(0, prefix.length() + 4) + "…";
    }

    static String sha256Hex(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String checksum(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(out);
    }
}
