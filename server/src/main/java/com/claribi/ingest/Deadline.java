package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.time.Duration;

/** A parse's wall-clock budget, checked between units of work (rows, pages, tokens). */
final class Deadline {
    private final long endNanos;
    private final Duration budget;

    private Deadline(Duration budget) {
        this.budget = budget;
        this.endNanos = System.nanoTime() + budget.toNanos();
    }

    static Deadline after(Duration budget) {
        return new Deadline(budget);
    }

    long remainingMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000);
    }

    void check() {
        if (System.nanoTime() - endNanos > 0) {
            throw new ClariException(
                    ErrorCode.TOO_LARGE,
                    "processing the file took longer than the " + budget.toSeconds()
                            + "-second limit; split it into smaller files");
        }
    }
}
