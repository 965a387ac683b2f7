package com.claribi.accounts;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A user's role in a workspace. Owners and admins manage keys and members; members use the data. */
public enum Role {
    OWNER,
    ADMIN,
    MEMBER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean canManage() {
        return this != MEMBER;
    }

    public static Optional<Role> fromWireName(String name) {
        return Arrays.stream(values())
                .filter(role -> role.wireName().equals(name))
                .findFirst();
    }
}
