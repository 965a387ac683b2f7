package com.claribi.analysis;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tokenising, stemming and fuzzy comparison shared by the lexicon and the planner. */
final class Text {
    private Text() {}

    enum Kind {
        WORD,
        NUMBER,
        DATE
    }

    /**
     * One token of a question. {@code number} is set for NUMBER tokens (with k/m/b suffixes applied);
     * {@code percent} and {@code currency} say whether it was written with % or $.
     */
    record Token(
            int index, String text, String stem, Kind kind, BigDecimal number, boolean percent, boolean currency) {}

    private static final Pattern TOKEN = Pattern.compile("(\\d{4}-\\d{1,2}-\\d{1,2})"
            // an ordinal ("2nd", "21st") is a word, not the number 2 followed by "nd"
            + "|((?!\\d+(?:st|nd|rd|th)\\b)[$€£]?\\d(?:[\\d,]*\\d)?(?:\\.\\d+)?"
            + "(?:\\s?(?:k|m|bn|b|million|thousand|billion)\\b)?%?)"
            + "|([\\p{L}\\p{N}]+(?:['’][\\p{L}]+)?)"
            + "|([<>]=?|=)");

    /** Shorthand people type in chat, read as the word it stands for. */
    private static final java.util.Map<String, String> SHORTHAND = java.util.Map.ofEntries(
            java.util.Map.entry("avg", "average"),
            java.util.Map.entry("gimme", "give"),
            java.util.Map.entry("qty", "quantity"),
            java.util.Map.entry("amt", "amount"),
            java.util.Map.entry("pct", "percent"),
            java.util.Map.entry("num", "number"),
            java.util.Map.entry("yr", "year"),
            java.util.Map.entry("yrs", "years"),
            java.util.Map.entry("qtr", "quarter"),
            java.util.Map.entry("qtrs", "quarters"),
            java.util.Map.entry("mth", "month"),
            java.util.Map.entry("mths", "months"),
            java.util.Map.entry("wk", "week"),
            java.util.Map.entry("wks", "weeks"),
            java.util.Map.entry("lvl", "level"),
            java.util.Map.entry("cnt", "count"),
            java.util.Map.entry("conv", "conversions"),
            java.util.Map.entry("convs", "conversions"),
            java.util.Map.entry("cust", "customer"),
            java.util.Map.entry("custs", "customers"));

    /**
     * Long words of the question grammar that are not in the data's own lexicon, so a slip of one
     * letter ("expensiv", "avrage", "highst") is read as the word meant.
     */
    private static final List<String> GRAMMAR_WORDS = List.of(
            "expensive",
            "cheapest",
            "highest",
            "biggest",
            "largest",
            "smallest",
            "average",
            "percentage",
            "different",
            "distinct",
            "between",
            "monthly",
            "quarterly");

    /** The grammar word {@code word} is a one-letter slip of, or {@code word} itself. */
    static String grammarWord(String word) {
        if (word.length() < 6 || GRAMMAR_WORDS.contains(word)) {
            return word;
        }
        for (String target : GRAMMAR_WORDS) {
            if (distance(word, target, 1) <= 1) {
                return target;
            }
        }
        return word;
    }

    private static final java.util.Map<String, Integer> NUMBER_WORDS = java.util.Map.ofEntries(
            java.util.Map.entry("one", 1),
            java.util.Map.entry("two", 2),
            java.util.Map.entry("three", 3),
            java.util.Map.entry("four", 4),
            java.util.Map.entry("five", 5),
            java.util.Map.entry("six", 6),
            java.util.Map.entry("seven", 7),
            java.util.Map.entry("eight", 8),
            java.util.Map.entry("nine", 9),
            java.util.Map.entry("ten", 10),
            java.util.Map.entry("twelve", 12));

    /** "five" → 5, for the small counts people spell out; null for other words. */
    static Integer numberWord(String word) {
        return NUMBER_WORDS.get(word);
    }

    /** A "%" that follows no number is the word "percent": "% of orders online". */
    private static final Pattern BARE_PERCENT = Pattern.compile("(?<!\\d)%");

    /** "# of orders", "# signups": the number of. */
    private static final Pattern NUMBER_SIGN = Pattern.compile("#\\s*(?:of\\b|(?=\\p{L}))");

    private static final List<String> SPOKEN_UNITS = List.of(
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen");
    private static final List<String> SPOKEN_TENS =
            List.of("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety");

    /** "five thousand", "fifty", "twenty-five", "two hundred": a number said in words. */
    private static final Pattern SPOKEN = Pattern.compile("\\b(?:(" + String.join("|", SPOKEN_TENS) + ")(?:[ -]("
            + String.join("|", SPOKEN_UNITS.subList(0, 9)) + "))?|(" + String.join("|", SPOKEN_UNITS)
            + "))(?:\\s+(hundred|thousand|million))?\\b");

    /**
     * A number said in words as digits, so that "over five thousand" is a threshold. The small
     * words alone ("top three", "which one") stay words; {@link #numberWord} reads them where a
     * count is meant.
     */
    private static String spokenNumber(MatchResult match) {
        String scale = match.group(4);
        int value;
        if (match.group(1) != null) {
            value = (SPOKEN_TENS.indexOf(match.group(1)) + 2) * 10
                    + (match.group(2) == null ? 0 : SPOKEN_UNITS.indexOf(match.group(2)) + 1);
        } else {
            value = SPOKEN_UNITS.indexOf(match.group(3)) + 1;
            if (scale == null && NUMBER_WORDS.containsKey(match.group(3))) {
                return match.group();
            }
        }
        long multiplier = scale == null
                ? 1
                : switch (scale) {
                    case "hundred" -> 100;
                    case "thousand" -> 1_000;
                    default -> 1_000_000;
                };
        return Long.toString(value * multiplier);
    }

    static List<Token> tokenize(String input) {
        String lower = input.toLowerCase(Locale.ROOT).replace('’', '\'');
        lower = SPOKEN.matcher(lower).replaceAll(match -> Matcher.quoteReplacement(spokenNumber(match)));
        lower = BARE_PERCENT.matcher(lower).replaceAll(" percent ");
        lower = NUMBER_SIGN.matcher(lower).replaceAll(" number of ");
        List<Token> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(lower);
        while (matcher.find()) {
            int index = tokens.size();
            if (matcher.group(1) != null) {
                tokens.add(new Token(index, matcher.group(1), matcher.group(1), Kind.DATE, null, false, false));
            } else if (matcher.group(2) != null) {
                tokens.add(number(index, matcher.group(2)));
            } else if (matcher.group(3) != null) {
                String word = matcher.group(3).replace("'s", "").replace("'", "");
                word = SHORTHAND.getOrDefault(word, word);
                tokens.add(new Token(index, word, stem(word), Kind.WORD, null, false, false));
            } else {
                String op = matcher.group(4);
                tokens.add(new Token(index, op, op, Kind.WORD, null, false, false));
            }
        }
        return tokens;
    }

    private static Token number(int index, String raw) {
        boolean percent = raw.endsWith("%");
        boolean currency = raw.startsWith("$") || raw.startsWith("€") || raw.startsWith("£");
        String body = raw.replaceAll("[$€£%,]", "").trim();
        BigDecimal multiplier = BigDecimal.ONE;
        String[][] suffixes = {
            {"thousand", "1000"},
            {"million", "1000000"},
            {"billion", "1000000000"},
            {"bn", "1000000000"},
            {"k", "1000"},
            {"m", "1000000"},
            {"b", "1000000000"}
        };
        for (String[] suffix : suffixes) {
            if (body.endsWith(suffix[0])) {
                body = body.substring(0, body.length() - suffix[0].length()).trim();
                multiplier = new BigDecimal(suffix[1]);
                break;
            }
        }
        BigDecimal value = new BigDecimal(body).multiply(multiplier);
        return new Token(index, raw.trim(), raw.trim(), Kind.NUMBER, value, percent, currency);
    }

    /** Words of an identifier or value: splits on non-alphanumerics and camelCase, lowercases. */
    static List<String> words(String name) {
        String spaced = name.replaceAll("([a-z])([A-Z])", "$1 $2");
        List<String> words = new ArrayList<>();
        for (Token token : tokenize(spaced)) {
            words.add(token.kind() == Kind.WORD ? token.text() : token.text().replace(",", ""));
        }
        return words;
    }

    /** A light English stemmer: plural and possessive endings only. */
    static String stem(String word) {
        if (word.length() <= 3) {
            return word;
        }
        if (word.endsWith("ies") && word.length() > 4) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.endsWith("sses") || word.endsWith("shes") || word.endsWith("ches") || word.endsWith("xes")) {
            return word.substring(0, word.length() - 2);
        }
        if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    /** Optimal-string-alignment distance, stopping early once above {@code limit}. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int rowMin = Integer.MAX_VALUE;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
                rowMin = Math.min(rowMin, d[i][j]);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * Whether {@code word} is a small typo of {@code target}: one edit from 5 letters, two from 9;
     * four-letter words only as two swapped neighbours ("emae" for "emea").
     */
    static boolean typoOf(String word, String target) {
        if (word.equals(target) || word.length() < 4 || target.length() < 4) {
            return false;
        }
        if (Character.isDigit(word.charAt(0)) || Character.isDigit(target.charAt(0))) {
            return false;
        }
        if (word.length() < 5 || target.length() < 5) {
            return word.length() == target.length() && swappedNeighbours(word, target);
        }
        int limit = target.length() >= 9 ? 2 : 1;
        return distance(word, target, limit) <= limit;
    }

    private static boolean swappedNeighbours(String a, String b) {
        int first = 0;
        while (first < a.length() && a.charAt(first) == b.charAt(first)) {
            first++;
        }
        return first + 1 < a.length()
                && a.charAt(first) == b.charAt(first + 1)
                && a.charAt(first + 1) == b.charAt(first)
                && a.substring(first + 2).equals(b.substring(first + 2));
    }
}
