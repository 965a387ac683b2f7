package com.claribi.accounts;

import java.util.Objects;

/** A key just minted: the only moment its {@code secret} exists outside the caller's hands. */
public record MintedKey(ApiKey key, String secret) {
    public MintedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "MintedKey[key=" + key + ", secret=(redacted)]";
    }
}
