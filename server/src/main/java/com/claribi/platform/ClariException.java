package com.claribi.platform;

import java.util.Objects;

/**
 * The one unchecked exception features throw for failures they mean to report. The message is safe
 * to show to the caller: it never holds a secret, a stack trace, a class name or SQL text.
 */
public class ClariException extends RuntimeException {
    private final ErrorCode code;

    public ClariException(ErrorCode code, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.code = Objects.requireNonNull(code, "code");
    }

    public ClariException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    public static ClariException invalid(String message) {
        return new ClariException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static ClariException notFound(String message) {
        return new ClariException(ErrorCode.NOT_FOUND, message);
    }
}
