package com.claribi.accounts;

import com.claribi.platform.ClariException;
import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Password rules and hashing (SPEC §3): at least 12 characters, at most 1024 (bounding the work an
 * attacker can make us do), hashed with Argon2id at OWASP's minimum parameters (m = 19 MiB, t = 2,
 * p = 1) into a PHC string that carries its own salt and parameters.
 */
final class Passwords {
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 1024;
    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);

    private Passwords() {}

    static void requireAcceptable(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw ClariException.invalid("The password must be at least " + MIN_LENGTH + " characters long.");
        }
        if (password.length() > MAX_LENGTH) {
            throw ClariException.invalid("The password must be at most " + MAX_LENGTH + " characters long.");
        }
    }

    static String hash(String password) {
        requireAcceptable(password);
        return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
    }

    static boolean matches(String password, String hash) {
        if (password == null || hash == null || password.length() > MAX_LENGTH) {
            return false;
        }
        return Password.check(password, hash).with(ARGON2ID);
    }
}
