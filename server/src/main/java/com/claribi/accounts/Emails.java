package com.claribi.accounts;

import com.claribi.platform.ClariException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Email address rules: a pragmatic shape check (the verification mail is the real test). */
final class Emails {
    private static final Pattern SHAPE =
            Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+");

    private Emails() {}

    /** The lower-cased address, or an error naming what is wrong. */
    static String normalize(String email) {
        if (email == null || email.isBlank()) {
            throw ClariException.invalid("email is required.");
        }
        String trimmed = email.strip();
        if (trimmed.length() > 254 || !SHAPE.matcher(trimmed).matches()) {
            throw ClariException.invalid("email must be an address such as ada@example.com.");
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
