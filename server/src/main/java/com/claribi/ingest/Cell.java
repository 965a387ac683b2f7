package com.claribi.ingest;

import java.time.LocalDate;
import java.time.LocalDateTime;

/** One typed value read from a spreadsheet or document cell. */
sealed interface Cell {
    Cell EMPTY = new Empty();

    record Empty() implements Cell {}

    record Text(String value) implements Cell {}

    record Integer(long value) implements Cell {}

    record Decimal(double value) implements Cell {}

    record Bool(boolean value) implements Cell {}

    record Date(LocalDate value) implements Cell {}

    record DateTime(LocalDateTime value) implements Cell {}

    static Cell text(String value) {
        return value == null || value.isBlank() ? EMPTY : new Text(value);
    }

    static Cell number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return EMPTY;
        }
        if (value == Math.rint(value) && Math.abs(value) < 9.0e15) {
            return new Integer((long) value);
        }
        return new Decimal(value);
    }

    static Cell dateTime(LocalDateTime value) {
        if (value == null) {
            return EMPTY;
        }
        return value.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)
                ? new Date(value.toLocalDate())
                : new DateTime(value);
    }

    default boolean isEmpty() {
        return this instanceof Empty;
    }

    /** The value as text, for header rows and for columns whose cells have mixed kinds. */
    default String asText() {
        return switch (this) {
            case Empty empty -> "";
            case Text text -> text.value();
            case Integer integer -> Long.toString(integer.value());
            case Decimal decimal ->
                java.math.BigDecimal.valueOf(decimal.value())
                        .stripTrailingZeros()
                        .toPlainString();
            case Bool bool -> Boolean.toString(bool.value());
            case Date date -> date.value().toString();
            case DateTime dateTime -> dateTime.value().toString().replace('T', ' ');
        };
    }
}
