package com.claribi.analysis;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A closed date range read from a question. {@code unit} is the calendar unit it spans (used to
 * shift it for comparisons); {@code reading} says in words how the phrase was read, for notes.
 */
record Window(LocalDate start, LocalDate end, String label, Unit unit, String reading) {
    enum Unit {
        DAY,
        WEEK,
        MONTH,
        QUARTER,
        HALF,
        YEAR,
        RANGE
    }

    Window {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("window ends before it starts");
        }
    }

    boolean overlaps(LocalDate from, LocalDate to) {
        return !start.isAfter(to) && !end.isBefore(from);
    }

    long days() {
        return ChronoUnit.DAYS.between(start, end) + 1;
    }

    /** The same window moved back by whole {@code by} units (a year ago, the previous quarter…). */
    Window shiftBack(Unit by) {
        LocalDate newStart;
        LocalDate newEnd;
        switch (by) {
            case YEAR -> {
                newStart = start.minusYears(1);
                newEnd = end.plusDays(1).minusYears(1).minusDays(1);
            }
            case HALF -> {
                newStart = start.minusMonths(6);
                newEnd = end.plusDays(1).minusMonths(6).minusDays(1);
            }
            case QUARTER -> {
                newStart = start.minusMonths(3);
                newEnd = end.plusDays(1).minusMonths(3).minusDays(1);
            }
            case MONTH -> {
                newStart = start.minusMonths(1);
                newEnd = end.plusDays(1).minusMonths(1).minusDays(1);
            }
            case WEEK -> {
                newStart = start.minusWeeks(1);
                newEnd = end.minusWeeks(1);
            }
            default -> {
                long length = days();
                newStart = start.minusDays(length);
                newEnd = end.minusDays(length);
            }
        }
        return TimePhrases.labelled(newStart, newEnd, unit == Unit.RANGE ? Unit.RANGE : unit, null);
    }
}
