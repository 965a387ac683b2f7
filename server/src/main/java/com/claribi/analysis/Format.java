package com.claribi.analysis;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;

/** Human formatting of answer values: $1.24M, 41.2%, 1,234. Raw values stay raw in the payload. */
final class Format {
    private Format() {}

    static String unit(Metric.Unit unit) {
        return switch (unit) {
            case CURRENCY -> "USD";
            case PERCENT -> "percent";
            case COUNT -> "count";
            case NUMBER -> null;
        };
    }

    static String value(Object value, Metric.Unit unit) {
        if (value == null) {
            return "no value";
        }
        if (!(value instanceof Number number)) {
            return String.valueOf(value);
        }
        double v = number.doubleValue();
        return switch (unit) {
            case CURRENCY -> (v < 0 ? "-$" : "$") + compact(Math.abs(v), 2);
            case PERCENT -> pattern("#,##0.##").format(v * 100) + "%";
            case COUNT ->
                number instanceof Long || v == Math.rint(v) ? pattern("#,##0").format(v) : compact(v, 2);
            case NUMBER -> compact(v, 2);
        };
    }

    static String percent(double fraction) {
        return pattern("#,##0.#").format(fraction * 100) + "%";
    }

    private static String compact(double v, int decimals) {
        double abs = Math.abs(v);
        if (abs >= 1e9) {
            return pattern("#,##0.##").format(v / 1e9) + "B";
        }
        if (abs >= 1e6) {
            return pattern("#,##0.##").format(v / 1e6) + "M";
        }
        if (abs >= 1e4) {
            return pattern("#,##0.#").format(v / 1e3) + "K";
        }
        return pattern(decimals == 0 ? "#,##0" : "#,##0.##").format(v);
    }

    private static DecimalFormat pattern(String pattern) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.US));
    }

    /** "A, B and C". */
    static String join(List<String> items) {
        if (items.isEmpty()) {
            return "";
        }
        if (items.size() == 1) {
            return items.getFirst();
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
    }

    /** A number as plainly written: "5", "0.5" (no grouping, no unit, no trailing ".0"). */
    static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    static String capitalize(String text) {
        return text == null || text.isEmpty() ? "" : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
