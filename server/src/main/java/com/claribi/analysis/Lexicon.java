package com.claribi.analysis;

import com.claribi.analysis.Text.Kind;
import com.claribi.analysis.Text.Token;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Words a table understands, learnt from its own schema: each column's name and name parts, the
 * synonyms of those parts, and the distinct values of its text columns. Built per table per
 * question (cheap: a few thousand map entries at most).
 */
final class Lexicon {
    enum MatchKind {
        COLUMN,
        VALUE
    }

    /** A stretch of tokens [from, to) naming a column or one of its values. */
    record Mention(int from, int to, MatchKind kind, ColumnInfo column, String value, double score) {}

    /**
     * Groups of interchangeable business words. A column whose name contains one word of a group is
     * also found by the others (a "sales" column answers "revenue"), at a lower score than its name.
     */
    static final List<List<String>> SYNONYMS = List.of(
            List.of("revenue", "rev", "sales", "amount", "turnover", "income", "gmv", "takings", "earnings", "sale"),
            List.of("cost", "costs", "expense", "expenses", "cogs", "spending", "expenditure"),
            List.of("spend", "spending", "spent", "budget", "ad spend", "pay", "paying", "paid"),
            List.of("quantity", "qty", "unit", "units", "unit sold", "units sold", "volume", "items", "pieces"),
            List.of("customer", "client", "account", "buyer", "purchaser", "company", "subscriber", "spender"),
            List.of("product", "item", "article", "good", "merchandise"),
            List.of("region", "area", "territory", "geo", "zone", "market"),
            List.of("country", "nation"),
            List.of("channel", "source", "medium"),
            List.of("category", "type", "segment", "group", "class", "family", "line"),
            List.of("price", "cost", "list price", "unit price", "priced"),
            List.of("stock", "inventory", "on hand", "in stock", "available"),
            List.of("supplier", "vendor", "manufacturer", "provider"),
            List.of("warehouse", "location", "site", "depot"),
            List.of("seat", "license", "licence", "user"),
            List.of("mrr", "monthly recurring revenue", "recurring revenue", "subscription revenue"),
            List.of("plan", "tier", "package", "subscription"),
            List.of("status", "state"),
            List.of("impression", "view", "impr", "reach"),
            List.of("click", "visit"),
            List.of("conversion", "acquisition", "signup", "lead", "purchase"),
            List.of("campaign", "ad", "ads"),
            List.of("employee", "staff", "headcount"),
            List.of("date", "day", "time", "when"),
            List.of("rep", "salesperson", "seller", "agent"));

    /** Name parts too generic to find a column by on their own. */
    private static final Set<String> GENERIC_PARTS = Set.of(
            "id", "name", "at", "num", "no", "nr", "code", "key", "of", "per", "is", "has", "the", "a", "total",
            "value", "date", "on", "in", "by", "to", "count", "amt", "usd", "eur");

    /** Longest value or column phrase matched, in words. */
    private static final int MAX_PHRASE = 8;

    private final Map<String, List<Mention>> phrases = new HashMap<>();
    private final List<String> singleWords = new ArrayList<>();
    private final TableSchema table;

    private Lexicon(TableSchema table) {
        this.table = table;
    }

    static Lexicon of(TableSchema table) {
        Lexicon lexicon = new Lexicon(table);
        for (ColumnInfo column : table.columns()) {
            List<String> parts =
                    Text.words(column.name()).stream().map(Text::stem).toList();
            lexicon.add(String.join(" ", parts), MatchKind.COLUMN, column, null, 1.0);
            lexicon.add(String.join("", parts), MatchKind.COLUMN, column, null, 1.0);
            boolean single = parts.size() == 1;
            // the head noun is the last part that is not generic ("price" in unit_price, "customer" in
            // customer_name); modifiers ("unit", "order" in order_date) find the column less surely
            String head = null;
            for (String part : parts) {
                if (!GENERIC_PARTS.contains(part)) {
                    head = part;
                }
            }
            for (String part : parts) {
                if (!single && !GENERIC_PARTS.contains(part) && part.length() > 1) {
                    lexicon.add(part, MatchKind.COLUMN, column, null, part.equals(head) ? 0.75 : 0.6);
                }
                for (List<String> group : SYNONYMS) {
                    if (group.stream().map(Lexicon::stemPhrase).anyMatch(part::equals)) {
                        for (String synonym : group) {
                            lexicon.add(stemPhrase(synonym), MatchKind.COLUMN, column, null, single ? 0.7 : 0.55);
                        }
                    }
                }
            }
            if (parts.size() > 1
                    && parts.getLast().equals("id")
                    && !parts.getFirst().equals("id")) {
                lexicon.add(String.join(" ", parts.subList(0, parts.size() - 1)), MatchKind.COLUMN, column, null, 0.75);
            }
            for (String value : column.values()) {
                List<String> words = Text.words(value).stream().map(Text::stem).toList();
                if (!words.isEmpty()) {
                    lexicon.add(String.join(" ", words), MatchKind.VALUE, column, value, 1.0);
                    if (words.size() > 1) {
                        lexicon.add(String.join("", words), MatchKind.VALUE, column, value, 0.95);
                        initialism(value).ifPresent(initials -> {
                            // "the UK", "US revenue", "UAE": the value's initials
                            boolean word = COMMON_WORDS.contains(initials);
                            // (no plural form: "NPS" is not two "Nimbus Phone"s)
                            lexicon.addKey(word ? "the " + initials : initials, MatchKind.VALUE, column, value, 0.85);
                            if (initials.equals("us")) {
                                lexicon.addKey("usa", MatchKind.VALUE, column, value, 0.85);
                            }
                        });
                    } else if (words.getFirst().endsWith("ed")
                            && words.getFirst().length() >= 6) {
                        // "churn rate" for the value "churned", "cancel" for "cancelled"
                        String verb =
                                words.getFirst().substring(0, words.getFirst().length() - 2);
                        lexicon.add(verb, MatchKind.VALUE, column, value, 0.9);
                        if (verb.length() >= 5 && verb.charAt(verb.length() - 1) == verb.charAt(verb.length() - 2)) {
                            lexicon.add(verb.substring(0, verb.length() - 1), MatchKind.VALUE, column, value, 0.9);
                        }
                    }
                }
            }
        }
        return lexicon;
    }

    /** Initials that are also everyday words: matched only after "the" ("in the US", not "sold to us"). */
    private static final Set<String> COMMON_WORDS = Set.of(
            "us", "it", "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "me", "my", "no", "of",
            "on", "or", "so", "to", "up", "we", "ok", "hi", "ad", "id", "vs", "the", "and", "for", "all", "any", "are",
            "was", "how", "who", "did", "per", "top", "new", "day", "avg", "sum", "max", "min");

    /** The initials of a value of two to four words of letters ("United Kingdom" gives "uk"), if any. */
    static java.util.Optional<String> initialism(String value) {
        List<String> words = Text.words(value);
        if (words.size() < 2 || words.size() > 4) {
            return java.util.Optional.empty();
        }
        StringBuilder initials = new StringBuilder();
        for (String word : words) {
            if (!word.chars().allMatch(Character::isLetter)) {
                return java.util.Optional.empty();
            }
            initials.append(Character.toLowerCase(word.charAt(0)));
        }
        return java.util.Optional.of(initials.toString());
    }

    static String stemPhrase(String phrase) {
        return String.join(" ", Text.words(phrase).stream().map(Text::stem).toList());
    }

    private void add(String key, MatchKind kind, ColumnInfo column, String value, double score) {
        if (key.isBlank()) {
            return;
        }
        String plural = key + "s";
        if (!key.contains(" ") && !key.endsWith("s") && !Text.stem(plural).equals(key)) {
            // a plural the stemmer leaves alone ("skus" keeps its "us"): found as the word itself
            addKey(plural, kind, column, value, score);
        }
        addKey(key, kind, column, value, score);
    }

    private void addKey(String key, MatchKind kind, ColumnInfo column, String value, double score) {
        List<Mention> list = phrases.computeIfAbsent(key, k -> new ArrayList<>());
        for (int i = 0; i < list.size(); i++) {
            Mention existing = list.get(i);
            if (existing.column().equals(column)
                    && existing.kind() == kind
                    && java.util.Objects.equals(existing.value(), value)) {
                if (existing.score() < score) {
                    list.set(i, new Mention(0, 0, kind, column, value, score));
                }
                return;
            }
        }
        list.add(new Mention(0, 0, kind, column, value, score));
        if (!key.contains(" ") && list.size() == 1) {
            singleWords.add(key);
        }
    }

    TableSchema table() {
        return table;
    }

    /**
     * Longest-first matches over the tokens not yet consumed. At each position every candidate of
     * the longest matching phrase is returned (the planner decides between columns by role); a word
     * matching nothing exactly is tried as a small typo of a one-word entry.
     */
    List<Mention> mentions(List<Token> tokens, boolean[] consumed, Set<String> skipWords) {
        List<Mention> found = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            if (consumed[i]
                    || tokens.get(i).kind() != Kind.WORD
                    || skipWords.contains(tokens.get(i).text())) {
                i++;
                continue;
            }
            boolean matched = false;
            for (int n = Math.min(MAX_PHRASE, tokens.size() - i); n >= 1 && !matched; n--) {
                StringBuilder key = new StringBuilder();
                boolean ok = true;
                for (int k = i; k < i + n; k++) {
                    if (consumed[k] || tokens.get(k).kind() == Kind.DATE) {
                        ok = false;
                        break;
                    }
                    if (key.length() > 0) {
                        key.append(' ');
                    }
                    key.append(
                            tokens.get(k).kind() == Kind.NUMBER
                                    ? tokens.get(k).text()
                                    : tokens.get(k).stem());
                }
                if (!ok) {
                    continue;
                }
                List<Mention> candidates = phrases.get(key.toString());
                if (candidates == null && n >= 2) {
                    // "sign up" → signup, "click through" → clickthrough
                    candidates = phrases.get(key.toString().replace(" ", ""));
                }
                if (candidates == null && n == 1) {
                    candidates = phrases.get(tokens.get(i).text());
                }
                String word = tokens.get(i).text();
                if (candidates == null && n == 1 && word.endsWith("ed") && word.length() > 5) {
                    // "the least stocked item", "the most viewed campaign": the participle of a column noun
                    candidates = phrases.get(Text.stem(word.substring(0, word.length() - 2)));
                    if (candidates != null) {
                        candidates = candidates.stream()
                                .filter(c -> c.kind() == MatchKind.COLUMN)
                                .toList();
                        candidates = candidates.isEmpty() ? null : candidates;
                    }
                }
                if (candidates != null) {
                    for (Mention candidate : candidates) {
                        found.add(new Mention(
                                i, i + n, candidate.kind(), candidate.column(), candidate.value(), candidate.score()));
                    }
                    i += n;
                    matched = true;
                }
            }
            if (!matched) {
                // "who supplies X" → the supplier column, "who owns" → owner, "who managed" → manager
                for (String agent : agentNouns(tokens.get(i).text())) {
                    List<Mention> candidates = phrases.getOrDefault(agent, phrases.get(Text.stem(agent)));
                    if (candidates != null && !matched) {
                        for (Mention candidate : candidates) {
                            if (candidate.kind() == MatchKind.COLUMN) {
                                found.add(new Mention(
                                        i, i + 1, candidate.kind(), candidate.column(), null, candidate.score() * 0.9));
                                matched = true;
                            }
                        }
                    }
                }
                if (matched) {
                    i++;
                    continue;
                }
            }
            if (!matched) {
                String word = tokens.get(i).stem();
                Map<String, Double> typos = new LinkedHashMap<>();
                for (String entry : singleWords) {
                    if (Text.typoOf(word, entry) && !Planner.STOP_WORDS.contains(word)) {
                        typos.put(entry, 0.0);
                    }
                }
                for (String entry : typos.keySet()) {
                    for (Mention candidate : phrases.get(entry)) {
                        found.add(new Mention(
                                i,
                                i + 1,
                                candidate.kind(),
                                candidate.column(),
                                candidate.value(),
                                candidate.score() * 0.85));
                    }
                }
                i++;
            }
        }
        return found;
    }

    /** Forms of buying that name the buyer ("who bought …", "who spent the most"). */
    private static final Set<String> BUYING_FORMS = Set.of("bought", "buys", "purchased", "ordered", "spent", "paid");

    /** The agent nouns a verb form may name: supplies/supplied → supplier, owns → owner, manages → manager. */
    private static List<String> agentNouns(String verb) {
        if (verb.length() < 4) {
            return List.of();
        }
        List<String> nouns = new ArrayList<>();
        if (BUYING_FORMS.contains(verb)) {
            // "who bought the most": the buyer is the customer
            nouns.addAll(List.of("customer", "buyer", "client", "purchaser"));
            return nouns;
        }
        if (verb.endsWith("ies") || verb.endsWith("ied")) {
            nouns.add(verb.substring(0, verb.length() - 3) + "ier");
        } else if (verb.endsWith("es") || verb.endsWith("ed")) {
            nouns.add(verb.substring(0, verb.length() - 1) + "r");
            nouns.add(verb.substring(0, verb.length() - 2) + "er");
        } else if (verb.endsWith("s")) {
            nouns.add(verb.substring(0, verb.length() - 1) + "er");
        }
        return nouns;
    }

    static String display(String columnName) {
        return String.join(" ", Text.words(columnName)).toLowerCase(Locale.ROOT);
    }
}
