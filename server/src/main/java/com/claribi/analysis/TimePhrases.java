package com.claribi.analysis;

import com.claribi.analysis.Text.Kind;
import com.claribi.analysis.Text.Token;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds time phrases in a tokenised question (docs/analysis.md, "Time phrases"). Absolute phrases
 * (2025-03-15, March 2025, Q3 2024, H1 2025, 2024, ranges between them) resolve on their own;
 * relative ones (last quarter, this year, last 30 days, a month without a year) resolve against an
 * anchor date, normally today, so the planner can re-read them against the data's latest date when
 * the first reading has no data (SPEC §4).
 */
final class TimePhrases {
    private TimePhrases() {}

    /** A phrase spanning tokens [from, to). */
    record Found(int from, int to, boolean relative, Function<LocalDate, Window> resolve, List<Found> parts) {
        Found(int from, int to, boolean relative, Function<LocalDate, Window> resolve) {
            this(from, to, relative, resolve, List.of());
        }

        Found {
            parts = List.copyOf(parts);
        }
    }

    static final Map<String, Month> MONTHS = Map.ofEntries(
            Map.entry("january", Month.JANUARY),
            Map.entry("jan", Month.JANUARY),
            Map.entry("february", Month.FEBRUARY),
            Map.entry("feb", Month.FEBRUARY),
            Map.entry("march", Month.MARCH),
            Map.entry("mar", Month.MARCH),
            Map.entry("april", Month.APRIL),
            Map.entry("apr", Month.APRIL),
            Map.entry("may", Month.MAY),
            Map.entry("june", Month.JUNE),
            Map.entry("jun", Month.JUNE),
            Map.entry("july", Month.JULY),
            Map.entry("jul", Month.JULY),
            Map.entry("august", Month.AUGUST),
            Map.entry("aug", Month.AUGUST),
            Map.entry("september", Month.SEPTEMBER),
            Map.entry("sep", Month.SEPTEMBER),
            Map.entry("sept", Month.SEPTEMBER),
            Map.entry("october", Month.OCTOBER),
            Map.entry("oct", Month.OCTOBER),
            Map.entry("november", Month.NOVEMBER),
            Map.entry("nov", Month.NOVEMBER),
            Map.entry("december", Month.DECEMBER),
            Map.entry("dec", Month.DECEMBER));

    private static final Map<String, Integer> ORDINALS =
            Map.of("first", 1, "1st", 1, "second", 2, "2nd", 2, "third", 3, "3rd", 3, "fourth", 4, "4th", 4, "last", 4);

    private static final Set<String> COMPARATORS = Set.of(
            "over",
            "above",
            "under",
            "below",
            "than",
            "least",
            "most",
            "exceeding",
            "exceed",
            "exceeds",
            "exceeded",
            ">",
            "<",
            ">=",
            "<=",
            "=",
            "top",
            "bottom",
            "first",
            "equal",
            "equals",
            "around");

    private static final Set<String> LAST = Set.of("last", "past", "previous", "prior", "preceding", "trailing");
    private static final Set<String> THIS = Set.of("this", "current");

    static List<Found> find(List<Token> tokens) {
        List<Found> simple = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            Found found = at(tokens, i);
            if (found != null) {
                simple.add(found);
                i = found.to();
            } else {
                i++;
            }
        }
        return combineRanges(tokens, partsOfYears(tokens, simple));
    }

    /**
     * "q3 last year", "h2 last yr", "march this year": a month, quarter or half without a year,
     * right before a relative year, is that part of that year, one phrase rather than two periods.
     */
    private static List<Found> partsOfYears(List<Token> tokens, List<Found> simple) {
        List<Found> result = new ArrayList<>();
        LocalDate probe = LocalDate.of(2000, 6, 15); // units do not depend on the anchor
        for (int k = 0; k < simple.size(); k++) {
            Found part = simple.get(k);
            Found year = k + 1 < simple.size() ? simple.get(k + 1) : null;
            if (year != null
                    && year.from() == part.to()
                    && part.relative()
                    && year.relative()
                    && Set.of(Window.Unit.MONTH, Window.Unit.QUARTER, Window.Unit.HALF)
                            .contains(part.resolve().apply(probe).unit())
                    && year.resolve().apply(probe).unit() == Window.Unit.YEAR) {
                String text = String.join(
                        " ",
                        tokens.subList(part.from(), year.to()).stream()
                                .map(Token::text)
                                .toList());
                result.add(new Found(part.from(), year.to(), true, anchor -> {
                    Window window = inYear(
                            part.resolve().apply(anchor),
                            year.resolve().apply(anchor).start().getYear());
                    return withReading(window, "'" + text + "' read as " + window.label());
                }));
                k++;
            } else {
                result.add(part);
            }
        }
        return result;
    }

    /** The same month, quarter or half in {@code year}. */
    private static Window inYear(Window part, int year) {
        int month = part.start().getMonthValue();
        return switch (part.unit()) {
            case QUARTER -> quarterWindow(year, (month - 1) / 3 + 1);
            case HALF -> halfWindow(year, month <= 6 ? 1 : 2);
            default -> monthWindow(YearMonth.of(year, month));
        };
    }

    private static String word(List<Token> tokens, int i) {
        return i >= 0 && i < tokens.size() ? tokens.get(i).text() : "";
    }

    private static Integer year(List<Token> tokens, int i) {
        if (i < 0 || i >= tokens.size()) {
            return null;
        }
        Token token = tokens.get(i);
        String text = token.text();
        if (text.startsWith("fy")
                && text.length() == 6
                && text.substring(2).chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(text.substring(2));
        }
        if (token.kind() != Kind.NUMBER || token.percent() || token.currency() || !text.matches("\\d{4}")) {
            return null;
        }
        int value = Integer.parseInt(text);
        return value >= 1900 && value <= 2100 ? value : null;
    }

    private static boolean standaloneYear(List<Token> tokens, int i) {
        if (year(tokens, i) == null) {
            return false;
        }
        if (word(tokens, i - 1).equals("and")
                && i >= 2
                && tokens.get(i - 2).kind() == Kind.NUMBER
                && year(tokens, i - 2) == null) {
            return false;
        }
        for (int back = 1; back <= 2; back++) {
            String previous = word(tokens, i - back);
            if (Set.of(
                            "in", "during", "for", "of", "since", "from", "to", "and", "vs", "versus", "before",
                            "after", "until", "through", "fy", "year")
                    .contains(previous)) {
                return true;
            }
            if (COMPARATORS.contains(previous)) {
                return false;
            }
        }
        return true;
    }

    private static Integer number(List<Token> tokens, int i) {
        if (i < 0 || i >= tokens.size()) {
            return null;
        }
        Token token = tokens.get(i);
        if (token.kind() == Kind.NUMBER && token.text().matches("\\d{1,4}")) {
            return Integer.parseInt(token.text());
        }
        return Text.numberWord(token.text());
    }

    private static Window.Unit unit(String word) {
        return switch (Text.stem(word)) {
            case "day" -> Window.Unit.DAY;
            case "week" -> Window.Unit.WEEK;
            case "month" -> Window.Unit.MONTH;
            case "quarter" -> Window.Unit.QUARTER;
            case "year" -> Window.Unit.YEAR;
            default -> null;
        };
    }

    /** The simple phrase starting at token i, or null. */
    private static Found at(List<Token> tokens, int i) {
        Token token = tokens.get(i);
        String w = token.text();
        if (token.kind() == Kind.DATE) {
            LocalDate date = parseDate(w);
            if (date != null) {
                return fixed(i, i + 1, labelled(date, date, Window.Unit.DAY, null));
            }
        }
        // quarters: q3 2024, 2024 q3, q3, third quarter of 2024, quarter 3
        Integer quarter = null;
        int end = i + 1;
        if (w.matches("q[1-4]")) {
            quarter = w.charAt(1) - '0';
        } else if (ORDINALS.containsKey(w)
                && !w.equals("last")
                && word(tokens, i + 1).equals("quarter")) {
            quarter = ORDINALS.get(w);
            end = i + 2;
        } else if (w.equals("quarter") && number(tokens, i + 1) != null && number(tokens, i + 1) <= 4) {
            quarter = number(tokens, i + 1);
            end = i + 2;
        }
        if (quarter == null && year(tokens, i) != null && word(tokens, i + 1).matches("q[1-4]")) {
            int q = word(tokens, i + 1).charAt(1) - '0';
            int y = year(tokens, i);
            return fixed(i, i + 2, quarterWindow(y, q));
        }
        if (quarter != null) {
            int q = quarter;
            int yearAt = word(tokens, end).equals("of") ? end + 1 : end;
            Integer y = year(tokens, yearAt);
            if (y != null) {
                return fixed(i, yearAt + 1, quarterWindow(y, q));
            }
            return new Found(i, end, true, anchor -> {
                LocalDate start = LocalDate.of(anchor.getYear(), (q - 1) * 3 + 1, 1);
                int yy = start.isAfter(anchor) ? anchor.getYear() - 1 : anchor.getYear();
                Window window = quarterWindow(yy, q);
                return withReading(
                        window, "'Q" + q + "' without a year read as the most recent Q" + q + ", " + window.label());
            });
        }
        // halves: h1 2025, first half of 2025
        Integer half = null;
        end = i + 1;
        if (w.matches("h[12]")) {
            half = w.charAt(1) - '0';
        } else if ((w.equals("first") || w.equals("second"))
                && word(tokens, i + 1).equals("half")) {
            half = w.equals("first") ? 1 : 2;
            end = i + 2;
        }
        if (half != null) {
            int h = half;
            int yearAt = word(tokens, end).equals("of") ? end + 1 : end;
            Integer y = year(tokens, yearAt);
            if (y != null) {
                return fixed(i, yearAt + 1, halfWindow(y, h));
            }
            return new Found(i, end, true, anchor -> {
                int yy = (h == 2 && anchor.getMonthValue() <= 6) ? anchor.getYear() - 1 : anchor.getYear();
                Window window = halfWindow(yy, h);
                return withReading(window, "'H" + h + "' without a year read as " + window.label());
            });
        }
        // weeks of a month: (the) first week of december 2025 (days 1-7, 8-14, 15-21, 22-28; last = final 7 days)
        int ordinalAt = w.equals("the") ? i + 1 : i;
        String ordinalWord = word(tokens, ordinalAt);
        if (ORDINALS.containsKey(ordinalWord)
                && word(tokens, ordinalAt + 1).equals("week")
                && word(tokens, ordinalAt + 2).equals("of")
                && MONTHS.containsKey(word(tokens, ordinalAt + 3))) {
            Month weekMonth = MONTHS.get(word(tokens, ordinalAt + 3));
            int ordinal = ORDINALS.get(ordinalWord);
            Function<YearMonth, Window> week = month -> {
                LocalDate start = ordinalWord.equals("last")
                        ? month.atEndOfMonth().minusDays(6)
                        : month.atDay(1 + (ordinal - 1) * 7);
                return labelled(
                        start,
                        start.plusDays(6),
                        Window.Unit.RANGE,
                        "'" + ordinalWord + " week of " + cap(weekMonth) + "' read as " + start + " to "
                                + start.plusDays(6));
            };
            Integer y = year(tokens, ordinalAt + 4);
            if (y != null) {
                return fixed(i, ordinalAt + 5, week.apply(YearMonth.of(y, weekMonth)));
            }
            return new Found(i, ordinalAt + 4, true, anchor -> {
                YearMonth candidate = YearMonth.of(anchor.getYear(), weekMonth);
                return week.apply(candidate.atDay(1).isAfter(anchor) ? candidate.minusYears(1) : candidate);
            });
        }
        // months: march 2025, march 15 2025, 15 march 2025, march
        Month month = MONTHS.get(w);
        if (month == null
                && number(tokens, i) != null
                && number(tokens, i) <= 31
                && MONTHS.containsKey(word(tokens, i + 1))
                && year(tokens, i + 2) != null) {
            LocalDate date = safeDate(year(tokens, i + 2), MONTHS.get(word(tokens, i + 1)), number(tokens, i));
            if (date != null) {
                return fixed(i, i + 3, labelled(date, date, Window.Unit.DAY, null));
            }
        }
        if (month != null && isMonthWord(tokens, i)) {
            Integer day = number(tokens, i + 1);
            if (day != null && day <= 31 && year(tokens, i + 2) != null) {
                LocalDate date = safeDate(year(tokens, i + 2), month, day);
                if (date != null) {
                    return fixed(i, i + 3, labelled(date, date, Window.Unit.DAY, null));
                }
            }
            int yearAt = word(tokens, i + 1).equals("of") ? i + 2 : i + 1;
            Integer y = year(tokens, yearAt);
            if (y != null) {
                return fixed(i, yearAt + 1, monthWindow(YearMonth.of(y, month)));
            }
            if (day != null && day >= 1 && day <= 31) {
                // "march 1" without a year: the most recent one ("from march 1 to march 7, 2025" takes
                // the second date's year when the two are joined)
                int dayOfMonth = day;
                return new Found(i, i + 2, true, anchor -> {
                    // the latest such date not after the anchor (February 29 looks back to a leap year)
                    LocalDate date = null;
                    for (int year = anchor.getYear(); date == null && year > anchor.getYear() - 8; year--) {
                        date = safeDate(year, month, dayOfMonth);
                        if (date != null && date.isAfter(anchor)) {
                            date = null;
                        }
                    }
                    if (date == null) {
                        date = YearMonth.of(anchor.getYear() - 1, month).atEndOfMonth();
                    }
                    return withReading(
                            labelled(date, date, Window.Unit.DAY, null),
                            "'" + cap(month) + " " + dayOfMonth + "' without a year read as the most recent, " + date);
                });
            }
            return new Found(i, i + 1, true, anchor -> {
                YearMonth candidate = YearMonth.of(anchor.getYear(), month);
                if (candidate.atDay(1).isAfter(anchor)) {
                    candidate = candidate.minusYears(1);
                }
                Window window = monthWindow(candidate);
                return withReading(
                        window,
                        "'" + cap(month) + "' without a year read as the most recent " + cap(month) + ", "
                                + window.label());
            });
        }
        // years: 2024, fy2024, fy 2024
        if (w.equals("fy") && year(tokens, i + 1) != null) {
            int y = year(tokens, i + 1);
            return fixed(i, i + 2, withReading(yearWindow(y), "fiscal year " + y + " read as calendar year " + y));
        }
        if (standaloneYear(tokens, i)) {
            int y = year(tokens, i);
            return fixed(i, i + 1, yearWindow(y));
        }
        // relative phrases
        if (w.equals("today")) {
            return new Found(
                    i, i + 1, true, anchor -> labelled(anchor, anchor, Window.Unit.DAY, "'today' read as " + anchor));
        }
        if (w.equals("yesterday")) {
            return new Found(i, i + 1, true, anchor -> {
                LocalDate day = anchor.minusDays(1);
                return labelled(day, day, Window.Unit.DAY, "'yesterday' read as " + day);
            });
        }
        if (w.equals("ytd")
                || (w.equals("year")
                        && word(tokens, i + 1).equals("to")
                        && word(tokens, i + 2).equals("date"))) {
            int to = w.equals("ytd") ? i + 1 : i + 3;
            return new Found(i, to, true, anchor -> toDate(anchor, Window.Unit.YEAR));
        }
        if (w.equals("mtd")
                || (w.equals("month")
                        && word(tokens, i + 1).equals("to")
                        && word(tokens, i + 2).equals("date"))) {
            int to = w.equals("mtd") ? i + 1 : i + 3;
            return new Found(i, to, true, anchor -> toDate(anchor, Window.Unit.MONTH));
        }
        if (w.equals("qtd")
                || (w.equals("quarter")
                        && word(tokens, i + 1).equals("to")
                        && word(tokens, i + 2).equals("date"))) {
            int to = w.equals("qtd") ? i + 1 : i + 3;
            return new Found(i, to, true, anchor -> toDate(anchor, Window.Unit.QUARTER));
        }
        if (w.equals("so")
                && word(tokens, i + 1).equals("far")
                && word(tokens, i + 2).equals("this")
                && unit(word(tokens, i + 3)) != null) {
            Window.Unit u = unit(word(tokens, i + 3));
            return new Found(i, i + 4, true, anchor -> toDate(anchor, u));
        }
        if (THIS.contains(w)
                && unit(word(tokens, i + 1)) != null
                && !word(tokens, i + 1).endsWith("s")) {
            Window.Unit u = unit(word(tokens, i + 1));
            String phrase = w + " " + word(tokens, i + 1);
            return new Found(i, i + 2, true, anchor -> {
                Window window = calendar(anchor, u, 0);
                return withReading(
                        window,
                        "'" + phrase + "' read as " + window.label() + " (" + window.start() + " to " + window.end()
                                + "), the calendar " + u.name().toLowerCase(Locale.ROOT) + " containing " + anchor);
            });
        }
        if (LAST.contains(w) || (w.equals("the") && LAST.contains(word(tokens, i + 1)))) {
            int at = w.equals("the") ? i + 1 : i;
            Integer count = number(tokens, at + 1);
            int unitAt = count == null ? at + 1 : at + 2;
            Window.Unit u = unit(word(tokens, unitAt));
            if (u != null && (count == null || count > 0)) {
                String phrase = word(tokens, at) + (count == null ? "" : " " + word(tokens, at + 1)) + " "
                        + word(tokens, unitAt);
                if (count == null && !word(tokens, unitAt).endsWith("s")) {
                    return new Found(i, unitAt + 1, true, anchor -> {
                        Window window = calendar(anchor, u, 1);
                        return withReading(
                                window,
                                "'" + phrase + "' read as " + window.label() + " (" + window.start() + " to "
                                        + window.end() + "), the previous full calendar "
                                        + u.name().toLowerCase(Locale.ROOT)
                                        + " before " + anchor);
                    });
                }
                if (count != null) {
                    int n = count;
                    return new Found(i, unitAt + 1, true, anchor -> rolling(anchor, u, n, phrase));
                }
            }
        }
        if (number(tokens, i) != null
                && unit(word(tokens, i + 1)) != null
                && word(tokens, i + 2).equals("ago")) {
            int n = number(tokens, i);
            Window.Unit u = unit(word(tokens, i + 1));
            return new Found(i, i + 3, true, anchor -> {
                LocalDate then = switch (u) {
                    case DAY -> anchor.minusDays(n);
                    case WEEK -> anchor.minusWeeks(n);
                    case MONTH -> anchor.minusMonths(n);
                    case QUARTER -> anchor.minusMonths(3L * n);
                    default -> anchor.minusYears(n);
                };
                Window window = calendar(then, u, 0);
                return withReading(
                        window, "'" + n + " " + u.name().toLowerCase(Locale.ROOT) + "s ago' read as " + window.label());
            });
        }
        return null;
    }

    private static final Set<String> JOINERS = Set.of("vs", "versus", "v", "and", "or", "to", "through", "thru");

    private static boolean isMonthWord(List<Token> tokens, int i) {
        String w = word(tokens, i);
        if (!w.equals("may") && !w.equals("mar") && !w.equals("jun") && !w.equals("dec")) {
            return true;
        }
        String previous = word(tokens, i - 1);
        return year(tokens, i + 1) != null
                // "Dec vs Nov 2025", "mar to jun": before another month across a joiner
                || JOINERS.contains(word(tokens, i + 1)) && MONTHS.containsKey(word(tokens, i + 2))
                || Set.of(
                                "in", "of", "since", "from", "to", "during", "between", "until", "through", "and", "vs",
                                "for")
                        .contains(previous);
    }

    /** Joins "from X to Y", "between X and Y", "X to Y", "since X", "before X", "after X". */
    private static List<Found> combineRanges(List<Token> tokens, List<Found> simple) {
        List<Found> result = new ArrayList<>();
        for (int k = 0; k < simple.size(); k++) {
            Found first = simple.get(k);
            Found next = k + 1 < simple.size() ? simple.get(k + 1) : null;
            String joiner = word(tokens, first.to());
            String before = word(tokens, first.from() - 1);
            boolean rangeJoin = next != null
                    && next.from() == first.to() + 1
                    && (Set.of("to", "through", "until", "till", "thru").contains(joiner)
                            || (joiner.equals("and") && before.equals("between")));
            if (rangeJoin) {
                int from = Set.of("from", "between").contains(before) ? first.from() - 1 : first.from();
                Found a = first;
                Found b = next;
                result.add(new Found(
                        from,
                        next.to(),
                        a.relative() || b.relative(),
                        anchor -> {
                            Window left = a.resolve().apply(anchor);
                            Window right = b.resolve().apply(anchor);
                            if (left.start().getYear() != right.start().getYear()
                                    && left.unit() == Window.Unit.MONTH
                                    && right.unit() != Window.Unit.YEAR
                                    && a.relative()
                                    && !b.relative()) {
                                // "from january to march 2025": the first month takes the second's year
                                YearMonth month = YearMonth.from(left.start())
                                        .withYear(right.start().getYear());
                                left = monthWindow(month);
                            }
                            if (left.unit() == Window.Unit.DAY
                                    && right.unit() == Window.Unit.DAY
                                    && a.relative()
                                    && !b.relative()) {
                                // "from march 1 to march 7, 2025": the first day takes the second's year, or
                                // the year before when it would fall after the second
                                LocalDate day = safeDate(
                                        right.start().getYear(),
                                        left.start().getMonth(),
                                        left.start().getDayOfMonth());
                                if (day != null && day.isAfter(right.start())) {
                                    // "from december 20 to january 5, 2025": the year before
                                    day = safeDate(day.getYear() - 1, day.getMonth(), day.getDayOfMonth());
                                }
                                if (day != null) {
                                    left = labelled(day, day, Window.Unit.DAY, null);
                                }
                            }
                            if (right.end().isBefore(left.start())) {
                                Window swap = left;
                                left = right;
                                right = swap;
                            }
                            return labelled(left.start(), right.end(), Window.Unit.RANGE, null);
                        },
                        List.of(a, b)));
                k++;
                continue;
            }
            if (Set.of("since", "after", "before", "until").contains(before)) {
                Found a = first;
                result.add(new Found(first.from() - 1, first.to(), true, anchor -> {
                    Window window = a.resolve().apply(anchor);
                    return switch (before) {
                        case "since" ->
                            labelled(
                                    window.start(),
                                    maxDate(anchor, window.start()),
                                    Window.Unit.RANGE,
                                    "'since " + window.label() + "' read as " + window.start() + " to " + anchor);
                        case "after" ->
                            labelled(
                                    window.end().plusDays(1),
                                    maxDate(anchor, window.end().plusDays(1)),
                                    Window.Unit.RANGE,
                                    "'after " + window.label() + "' read as "
                                            + window.end().plusDays(1) + " to " + anchor);
                        case "before" ->
                            labelled(
                                    LocalDate.of(1900, 1, 1),
                                    window.start().minusDays(1),
                                    Window.Unit.RANGE,
                                    "'before " + window.label() + "' read as everything up to "
                                            + window.start().minusDays(1));
                        default ->
                            labelled(
                                    LocalDate.of(1900, 1, 1),
                                    window.end(),
                                    Window.Unit.RANGE,
                                    "'until " + window.label() + "' read as everything up to " + window.end());
                    };
                }));
                continue;
            }
            result.add(first);
        }
        return result;
    }

    private static LocalDate maxDate(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static Found fixed(int from, int to, Window window) {
        return new Found(from, to, false, anchor -> window);
    }

    static LocalDate parseDate(String text) {
        String[] parts = text.split("-");
        try {
            return LocalDate.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static LocalDate safeDate(int year, Month month, int day) {
        try {
            return LocalDate.of(year, month, day);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static Window quarterWindow(int year, int quarter) {
        LocalDate start = LocalDate.of(year, (quarter - 1) * 3 + 1, 1);
        return labelled(start, start.plusMonths(3).minusDays(1), Window.Unit.QUARTER, null);
    }

    static Window halfWindow(int year, int half) {
        LocalDate start = LocalDate.of(year, half == 1 ? 1 : 7, 1);
        return labelled(start, start.plusMonths(6).minusDays(1), Window.Unit.HALF, null);
    }

    static Window monthWindow(YearMonth month) {
        return labelled(month.atDay(1), month.atEndOfMonth(), Window.Unit.MONTH, null);
    }

    static Window yearWindow(int year) {
        return labelled(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31), Window.Unit.YEAR, null);
    }

    /** The calendar unit containing {@code anchor}, moved back {@code back} units. */
    static Window calendar(LocalDate anchor, Window.Unit unit, int back) {
        return switch (unit) {
            case DAY -> {
                LocalDate day = anchor.minusDays(back);
                yield labelled(day, day, Window.Unit.DAY, null);
            }
            case WEEK -> {
                LocalDate monday = anchor.with(DayOfWeek.MONDAY).minusWeeks(back);
                yield labelled(monday, monday.plusDays(6), Window.Unit.WEEK, null);
            }
            case MONTH -> monthWindow(YearMonth.from(anchor).minusMonths(back));
            case QUARTER -> {
                LocalDate start = LocalDate.of(anchor.getYear(), ((anchor.getMonthValue() - 1) / 3) * 3 + 1, 1)
                        .minusMonths(3L * back);
                yield quarterWindow(start.getYear(), (start.getMonthValue() - 1) / 3 + 1);
            }
            case HALF -> {
                LocalDate start = LocalDate.of(anchor.getYear(), anchor.getMonthValue() <= 6 ? 1 : 7, 1)
                        .minusMonths(6L * back);
                yield halfWindow(start.getYear(), start.getMonthValue() == 1 ? 1 : 2);
            }
            default -> yearWindow(anchor.getYear() - back);
        };
    }

    private static Window toDate(LocalDate anchor, Window.Unit unit) {
        Window whole = calendar(anchor, unit, 0);
        String name = unit.name().toLowerCase(Locale.ROOT);
        return labelled(
                whole.start(),
                anchor,
                Window.Unit.RANGE,
                "'" + name + " to date' read as " + whole.start() + " to " + anchor);
    }

    /** "last 30 days": the N units ending on the anchor day, inclusive. */
    private static Window rolling(LocalDate anchor, Window.Unit unit, int n, String phrase) {
        LocalDate start = switch (unit) {
            case DAY -> anchor.minusDays(n - 1L);
            case WEEK -> anchor.minusWeeks(n).plusDays(1);
            case MONTH -> anchor.minusMonths(n).plusDays(1);
            case QUARTER -> anchor.minusMonths(3L * n).plusDays(1);
            default -> anchor.minusYears(n).plusDays(1);
        };
        return labelled(
                start,
                anchor,
                Window.Unit.RANGE,
                "'" + phrase + "' read as the " + n + " " + unit.name().toLowerCase(Locale.ROOT) + (n == 1 ? "" : "s")
                        + " ending " + anchor + " inclusive (" + start + " to " + anchor + ")");
    }

    static Window withReading(Window window, String reading) {
        return new Window(window.start(), window.end(), window.label(), window.unit(), reading);
    }

    private static String cap(Month month) {
        return month.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    /** A window with its canonical label: 2025-03-15, March 2025, Q3 2024, H1 2025, 2024, or a range. */
    static Window labelled(LocalDate start, LocalDate end, Window.Unit unit, String reading) {
        String label;
        if (start.equals(end)) {
            label = start.toString();
            unit = Window.Unit.DAY;
        } else if (start.getDayOfMonth() == 1 && end.equals(start.plusMonths(1).minusDays(1))) {
            label = cap(start.getMonth()) + " " + start.getYear();
            unit = unit == Window.Unit.RANGE ? Window.Unit.MONTH : unit;
        } else if (start.getDayOfMonth() == 1
                && (start.getMonthValue() - 1) % 3 == 0
                && end.equals(start.plusMonths(3).minusDays(1))) {
            label = "Q" + ((start.getMonthValue() - 1) / 3 + 1) + " " + start.getYear();
            unit = unit == Window.Unit.RANGE ? Window.Unit.QUARTER : unit;
        } else if (start.getDayOfMonth() == 1
                && (start.getMonthValue() == 1 || start.getMonthValue() == 7)
                && end.equals(start.plusMonths(6).minusDays(1))) {
            label = "H" + (start.getMonthValue() == 1 ? 1 : 2) + " " + start.getYear();
            unit = unit == Window.Unit.RANGE ? Window.Unit.HALF : unit;
        } else if (start.getDayOfYear() == 1 && end.equals(start.plusYears(1).minusDays(1))) {
            label = String.valueOf(start.getYear());
            unit = unit == Window.Unit.RANGE ? Window.Unit.YEAR : unit;
        } else if (start.getYear() == 1900) {
            label = "up to " + end;
        } else if (unit == Window.Unit.WEEK) {
            label = "week of " + start;
        } else {
            label = start + " to " + end;
        }
        return new Window(start, end, label, unit, reading);
    }
}
