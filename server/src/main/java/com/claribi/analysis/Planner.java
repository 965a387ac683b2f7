package com.claribi.analysis;

import com.claribi.analysis.Lexicon.MatchKind;
import com.claribi.analysis.Lexicon.Mention;
import com.claribi.analysis.Plan.Condition;
import com.claribi.analysis.Plan.Grain;
import com.claribi.analysis.Plan.Intent;
import com.claribi.analysis.Plan.Op;
import com.claribi.analysis.Text.Kind;
import com.claribi.analysis.Text.Token;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The deterministic planner (docs/analysis.md): question → {@link Plan} without an LLM. It reads
 * time phrases and grains first, then comparisons with numbers, then column and value mentions
 * from each table's {@link Lexicon}; it picks the best-scoring table, then fills the slots of the
 * intent grammar (metric, aggregation, dimensions, filters, window, order, limit).
 */
final class Planner {
    sealed interface Outcome {}

    record Planned(Plan plan) implements Outcome {}

    /** {@code table} is the table the question was read against, when one could be picked. */
    record Refused(String reason, TableSchema table) implements Outcome {}

    static final Set<String> STOP_WORDS = Set.copyOf(List.of(
            // spoken filler and slang: "um so …", "under fifty bucks"
            "um",
            "uh",
            "basically",
            "bucks",
            "dollars",
            "euros",
            "a",
            "an",
            "the",
            "of",
            "in",
            "on",
            "for",
            "to",
            "from",
            "and",
            "or",
            "with",
            "what",
            "whats",
            "was",
            "were",
            "is",
            "are",
            "be",
            "been",
            "me",
            "show",
            "give",
            "tell",
            "please",
            "our",
            "my",
            "we",
            "us",
            "i",
            "you",
            "do",
            "does",
            "did",
            "have",
            "has",
            "had",
            "there",
            "that",
            "this",
            "these",
            "those",
            "it",
            "its",
            "at",
            "as",
            "by",
            "per",
            "each",
            "every",
            "all",
            "any",
            "how",
            "much",
            "many",
            "which",
            "who",
            "whom",
            "where",
            "when",
            "than",
            "then",
            "vs",
            "versus",
            "compared",
            "compare",
            "against",
            "into",
            "out",
            "up",
            "down",
            "so",
            "far",
            "can",
            "could",
            "would",
            "will",
            "should",
            "data",
            "dataset",
            "table",
            "value",
            "values",
            "number",
            "numbers",
            "amount",
            "figure",
            "figures",
            "get",
            "got",
            "see",
            "list",
            "name",
            "names",
            "let",
            "know",
            "find",
            "display",
            "report",
            "across",
            "over",
            "under",
            "above",
            "below",
            "between",
            "during",
            "within",
            "among",
            "about",
            "only",
            "just",
            "also",
            "some",
            "overall",
            "both",
            "either",
            "them",
            "they",
            "their",
            "been",
            "being",
            "not",
            "no",
            "yes",
            "if",
            "whether",
            "same",
            "period",
            "time",
            "times",
            "date",
            "ever",
            "total",
            "sum",
            "average",
            "avg",
            "mean",
            "median",
            "count",
            "top",
            "bottom",
            "most",
            "least",
            "highest",
            "lowest",
            "largest",
            "smallest",
            "biggest",
            "best",
            "worst",
            "more",
            "less",
            "fewer",
            "greater",
            "higher",
            "lower",
            "bigger",
            "larger",
            "smaller",
            "distinct",
            "unique",
            "different",
            "breakdown",
            "broken",
            "split",
            "grouped",
            "group",
            "trend",
            "monthly",
            "weekly",
            "daily",
            "yearly",
            "quarterly",
            "annual",
            "annually",
            "share",
            "percentage",
            "percent",
            "proportion",
            "fraction",
            "ratio",
            "rate",
            "generated",
            "generate",
            "made",
            "make",
            "bring",
            "brought",
            "come",
            "came",
            "sold",
            "sell",
            "sells",
            "bought",
            "buy",
            "buys",
            "purchased",
            "ordered",
            "spent",
            "spend",
            "earned",
            "earn",
            "did",
            "doing",
            "perform",
            "performed",
            "performance",
            "happen",
            "happened",
            "recorded",
            "record",
            "records",
            "row",
            "rows",
            "entries",
            "entry",
            "current",
            "currently",
            "like",
            "look",
            "looks",
            "change",
            "changed",
            "grow",
            "grew",
            "growth",
            "increase",
            "decrease",
            "go",
            "went",
            "trending",
            "evolution",
            "evolve",
            "evolved",
            "month",
            "months",
            "year",
            "years",
            "quarter",
            "quarters",
            "week",
            "weeks",
            "day",
            "days",
            "today",
            "last",
            "previous",
            "prior",
            "past",
            "since",
            "through",
            "until",
            "ago",
            "biggest",
            "maximum",
            "minimum",
            "max",
            "min",
            "whose",
            "where",
            "contribute",
            "contributed",
            "contribution",
            "mix",
            "distribution",
            "versus",
            "other",
            "rest",
            "here",
            "exist",
            "exists",
            "ranked",
            "rank",
            "ranking",
            "order",
            "sorted",
            "sort",
            "descending",
            "ascending",
            "cheapest",
            "expensive",
            "priciest",
            "least",
            "level",
            "levels",
            "please",
            "kind",
            "kinds",
            "type",
            "types",
            "currently",
            "available",
            "overview",
            "summary",
            "summarize",
            "summarise",
            "describe",
            "totals",
            "combined",
            "exceed",
            "exceeded",
            "exceeds",
            "exceeding",
            "reach",
            "reached",
            "hit",
            "top-selling",
            "selling",
            "popular",
            "often",
            "frequent",
            "common",
            "typical",
            "typically",
            "usually",
            "exactly",
            "equal",
            "around",
            "roughly",
            "approximately",
            "whole",
            "entire",
            "full",
            "ytd",
            "mtd",
            "qtd",
            "mom",
            "yoy",
            "qoq",
            "wow",
            "difference",
            "differ",
            "relative",
            "did",
            "versus",
            "highest",
            "come",
            "out",
            "first",
            "second",
            "third",
            "fourth",
            "half",
            "h1",
            "h2",
            "q1",
            "q2",
            "q3",
            "q4",
            "fy",
            "calendar",
            "fiscal",
            "still",
            "yet",
            "already",
            "ones",
            "one",
            "thing",
            "things"));

    /**
     * "Can you break down MRR by country", "could I get revenue by region": a request, not a yes/no
     * question — unless it asks "if" or "whether" ("can you tell me if EMEA grew").
     */
    private boolean request() {
        return isWord(start, "can", "could", "would", "will")
                && isWord(start + 1, "you", "u", "i", "we")
                && !has("if", "whether");
    }

    /** "Can you tell me if EMEA grew", "check whether we spent more on Google": a yes/no question. */
    private boolean askedIf() {
        for (int i = start + 1; i < Math.min(tokens.size(), start + 6); i++) {
            if (isWord(i, "if", "whether") && isWord(i - 1, "me", "know", "check", "see", "tell", "us")) {
                return true;
            }
        }
        return false;
    }

    private static final Set<String> AUXILIARIES =
            Set.of("is", "are", "was", "were", "does", "do", "did", "has", "have", "had", "can", "will", "could");
    private static final Set<String> SUPERLATIVE_DESC = Set.of(
            "highest",
            "most",
            "largest",
            "biggest",
            "greatest",
            "best",
            "top",
            "maximum",
            "max",
            "leading",
            "expensive",
            "priciest",
            "strongest",
            "popular",
            "busiest");
    /** Verbs of buying: they point at a table of purchases. */
    private static final Set<String> PURCHASE_VERBS =
            Set.of("bought", "buy", "buys", "buying", "purchased", "purchase", "purchasing", "ordered");

    /**
     * "which customers spent / paid more than …": spending by someone other than us is buying ("how
     * much did we spend on Google" is our own spending, and "spend" alone is a noun: both stay with
     * the ads table).
     */
    private boolean customerSpending() {
        // "which customers spent the least with us", "who paid us the most": the buyers spent
        return has("spent", "paid")
                && (!has("we", "our", "us", "i") || hasSequence("with", "us") || hasSequence("paid", "us"));
    }

    /** Verbs of selling: they point at a table of purchases too ("which category sold the most"). */
    private static final Set<String> SELLING_VERBS = Set.of("sell", "sells", "sold", "selling");

    /** Verbs of a value going up or down between two periods ("did revenue grow in 2025 vs 2024"). */
    private static final Set<String> RISE =
            Set.of("grow", "grew", "grown", "increase", "increased", "rise", "rose", "risen", "improve", "improved");

    private static final Set<String> FALL = Set.of(
            "decline",
            "declined",
            "drop",
            "dropped",
            "fall",
            "fell",
            "fallen",
            "decrease",
            "decreased",
            "shrink",
            "shrank",
            "shrunk");

    /** A metric where less is better: a cost per result, a cost, a churn rate. */
    private static boolean costLike(Metric metric) {
        return Text.words(metric.name()).stream()
                .anyMatch(
                        Set.of(
                                "cpa",
                                "cpc",
                                "cpm",
                                "cost",
                                "costs",
                                "expense",
                                "expenses",
                                "churn",
                                "refund",
                                "refunds")::contains);
    }

    /** Words that turn a comparison around ("which had fewer orders"). */
    private static final Set<String> LESS = Set.of("less", "lower", "fewer", "smaller");

    private static final Set<String> SUPERLATIVE_ASC = Set.of(
            "lowest",
            "least",
            "smallest",
            "fewest",
            "worst",
            "bottom",
            "minimum",
            "min",
            "cheapest",
            "weakest",
            "quietest");

    private static boolean superlative(String word) {
        return SUPERLATIVE_DESC.contains(word) || SUPERLATIVE_ASC.contains(word);
    }

    private static final Set<String> COMPARATIVE_MORE =
            Set.of("more", "higher", "greater", "larger", "bigger", "exceed", "outsell", "outsold", "beat", "above");
    private static final Set<String> COMPARATIVE_LESS = Set.of("less", "lower", "fewer", "smaller", "below");
    /** After "show (me) the", words that ask for a figure rather than a list. */
    private static final String[] NOT_LISTED = {
        "total",
        "sum",
        "average",
        "avg",
        "mean",
        "median",
        "daily",
        "weekly",
        "monthly",
        "quarterly",
        "yearly",
        "annual",
        "overall"
    };

    private static final Set<String> GROUP_CUES = Set.of("by", "per", "each", "every", "across", "among");
    /** "average X per <column>" with more values than this is one average, not a breakdown. */
    private static final int PER_ENTITY_MIN_VALUES = 20;

    /** Verbs that only say rows came to exist: "orders placed", "customers acquired". */
    private static final Set<String> EXISTENCE_VERBS = Set.of(
            "placed",
            "ordered",
            "purchased",
            "bought",
            "signed",
            "joined",
            "registered",
            "subscribed",
            "created",
            "added",
            "made",
            "recorded",
            "logged",
            "received",
            "booked",
            "acquired",
            "onboarded",
            "started",
            "opened",
            "listed",
            "stocked",
            "launched",
            "generated",
            "processed",
            "submitted",
            "captured",
            "counted",
            "included",
            "stored",
            "tracked");

    private static final Set<String> ROW_NOUNS = Set.of(
            "row",
            "record",
            "entry",
            "line",
            "transaction",
            "order",
            "deal",
            "sale",
            "purchase",
            "event",
            "observation");

    private final List<Token> tokens;
    private final boolean[] consumed;
    private final LocalDate today;
    private final String question;

    /** Where the question says "day of the week" ({from, to}), or null; see {@link #weekdayPhrase(List)}. */
    private int[] weekdayPhrase;

    /** Asides in brackets ("inventory value (price times stock)"): first token → token after the last. */
    private final Map<Integer, Integer> asides = new HashMap<>();

    /** "Read 'expensiv' as 'expensive'.": grammar words read through a slip of one letter. */
    private final List<String> corrections = new ArrayList<>();

    private Planner(String question, LocalDate today) {
        this.question = question;
        this.tokens = verbsAsNouns(grammarWords(Text.tokenize(question)));
        for (int open = question.indexOf('('); open >= 0; open = question.indexOf('(', open + 1)) {
            int close = question.indexOf(')', open);
            asides.put(tokensBefore(open), tokensBefore(close < 0 ? question.length() : close));
        }
        this.consumed = new boolean[tokens.size()];
        this.today = today;
        Matcher possessive = POSSESSIVE.matcher(question);
        while (possessive.find()) {
            possessives.add(tokensBefore(possessive.end()) - 1);
        }
        this.sentenceOf = new int[tokens.size()];
        Matcher end = SENTENCE_END.matcher(question);
        int leadIn = 0;
        while (end.find()) {
            int next = tokensBefore(end.start());
            for (int i = next; i < tokens.size(); i++) {
                sentenceOf[i]++;
            }
            if (end.group().equals(":") && leadIn == 0 && next < tokens.size()) {
                leadIn = next;
            }
        }
        this.start = leadIn;
        for (List<String> idiom : IDIOMS) {
            for (int i = 0; i + idiom.size() <= tokens.size(); i++) {
                if (tokens.subList(i, i + idiom.size()).stream()
                        .map(Token::text)
                        .toList()
                        .equals(idiom)) {
                    consume(i, i + idiom.size());
                }
            }
        }
    }

    /** How many tokens the question holds before character {@code offset}: where a mark falls. */
    private int tokensBefore(int offset) {
        return Text.tokenize(question.substring(0, offset)).size();
    }

    /**
     * Idioms whose words would otherwise name a column or the rows: "what share does each plan
     * account for" (not the customer account), "what's the deal with each region" (not a deal),
     * "how are we doing on spend".
     */
    private static final List<List<String>> IDIOMS = List.of(
            List.of("account", "for"),
            List.of("accounts", "for"),
            List.of("accounted", "for"),
            List.of("the", "deal", "with"),
            List.of("doing", "on"),
            List.of("doing", "with"));

    /**
     * Where the question itself starts: after a lead-in ending in a colon ("sanity check before
     * Monday: did Meta get more clicks …"), else 0.
     */
    private final int start;

    /** A word's possessive ending: "Monday's sync". */
    private static final Pattern POSSESSIVE = Pattern.compile("\\b\\p{L}+['’]s\\b");

    /** A full stop, question mark, exclamation mark or colon before a space or the end, not after "vs". */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<!\\bvs|\\be\\.g|\\bi\\.e|\\betc)[.?!:](?=\\s|$)");

    /** The tokens written with a possessive "'s". */
    private final Set<Integer> possessives = new HashSet<>();

    /** Each token's sentence, counted from 0: "…for Q3 2025? finance wants it" has two. */
    private final int[] sentenceOf;

    private List<Token> grammarWords(List<Token> tokens) {
        List<Token> result = new ArrayList<>(tokens);
        for (Token token : tokens) {
            String meant = token.kind() == Kind.WORD ? Text.grammarWord(token.text()) : token.text();
            if (!meant.equals(token.text())) {
                result.set(
                        token.index(),
                        new Token(token.index(), meant, Text.stem(meant), Kind.WORD, null, false, false));
                corrections.add("Read '" + token.text() + "' as '" + meant + "'.");
            }
        }
        return result;
    }

    /**
     * "products that cost less than 20", "how much does X cost": the verb "cost" asks for a price,
     * not for a cost column; it is read as the noun "price".
     */
    private static List<Token> verbsAsNouns(List<Token> tokens) {
        List<Token> result = new ArrayList<>(tokens);
        for (int i = 0; i < tokens.size(); i++) {
            String w = tokens.get(i).text();
            if (!w.equals("cost") && !w.equals("costs")) {
                continue;
            }
            String previous = i > 0 ? tokens.get(i - 1).text() : "";
            String next = i + 1 < tokens.size() ? tokens.get(i + 1).text() : "";
            boolean verb = Set.of("that", "which", "who", "does", "do", "did", "to", "it")
                            .contains(previous)
                    || (i + 1 == tokens.size()
                            && Set.of("does", "do").contains(tokens.getFirst().text()))
                    || (Set.of("less", "more", "under", "over", "above", "below", "between", "exactly", "at")
                                    .contains(next)
                            && !Set.of("the", "total", "a", "average", "of").contains(previous));
            boolean howMuch = tokens.size() > 2
                    && tokens.get(0).text().equals("how")
                    && tokens.get(1).text().equals("much");
            if (verb || (howMuch && i == tokens.size() - 1)) {
                Token token = tokens.get(i);
                result.set(i, new Token(token.index(), "price", "price", Kind.WORD, null, false, false));
            }
        }
        return result;
    }

    static Outcome plan(String question, List<TableSchema> tables, LocalDate today) {
        return plan(question, tables, today, new java.util.IdentityHashMap<>());
    }

    /**
     * As {@link #plan(String, List, LocalDate)}, reusing the lexicons in {@code lexicons} (keyed by
     * schema identity) so one analysis and its follow-up checks build each table's lexicon once.
     */
    static Outcome plan(
            String question, List<TableSchema> tables, LocalDate today, Map<TableSchema, Lexicon> lexicons) {
        Planner planner = new Planner(question, today);
        planner.lexicons = lexicons;
        return planner.run(tables);
    }

    private Map<TableSchema, Lexicon> lexicons = new java.util.IdentityHashMap<>();

    // ---------------------------------------------------------------- token helpers

    private String word(int i) {
        return i >= 0 && i < tokens.size() ? tokens.get(i).text() : "";
    }

    private boolean isWord(int i, String... options) {
        String w = word(i);
        for (String option : options) {
            if (option.equals(w)) {
                return true;
            }
        }
        return false;
    }

    private boolean has(String... words) {
        return has(Set.of(words));
    }

    private boolean has(Set<String> set) {
        for (Token token : tokens) {
            if (set.contains(token.text())) {
                return true;
            }
        }
        return false;
    }

    private boolean hasSequence(String... words) {
        for (int i = 0; i + words.length <= tokens.size(); i++) {
            boolean all = true;
            for (int k = 0; k < words.length; k++) {
                if (!word(i + k).equals(words[k])) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** "churn rate", "churn %": after a value, the share of rows holding it. */
    private static final String[] RATE_WORDS = {"rate", "rates", "percent", "percentage"};

    private int indexOf(String... words) {
        Set<String> set = Set.of(words);
        for (int i = 0; i < tokens.size(); i++) {
            if (set.contains(tokens.get(i).text())) {
                return i;
            }
        }
        return -1;
    }

    private void consume(int from, int to) {
        for (int i = Math.max(0, from); i < Math.min(to, tokens.size()); i++) {
            consumed[i] = true;
        }
    }

    // ---------------------------------------------------------------- pre-passes

    private List<TimePhrases.Found> timePhrases = List.of();
    private Grain grain;
    private boolean trendCue;
    private Window.Unit overUnit; // "month over month", "yoy"
    /** "which month had …", "the best quarter for …": the answer is a period at this grain. */
    private Grain askedGrain;

    private record Numeric(int from, int to, Op op, List<Double> numbers, boolean percent) {}

    private final List<Numeric> numerics = new ArrayList<>();
    /** A comparison word not followed by a number ("below their reorder level"): maybe two columns. */
    private record ColumnOperand(int from, int operand, Op op, double factor) {}

    private final List<ColumnOperand> columnOperands = new ArrayList<>();
    private Integer topCount;
    private int topCountIndex = -1;

    private void prePass() {
        timePhrases = TimePhrases.find(tokens);
        if (weekdayPhrase != null) {
            // "the busiest day of the week" is no time phrase, and "day"/"week" there are no grains
            timePhrases.removeIf(found -> found.from() < weekdayPhrase[1] && found.to() > weekdayPhrase[0]);
            consume(weekdayPhrase[0], weekdayPhrase[1]);
        }
        for (TimePhrases.Found found : timePhrases) {
            consume(found.from(), found.to());
        }
        Map<String, Window.Unit> overs = Map.of(
                "mom", Window.Unit.MONTH, "yoy", Window.Unit.YEAR, "qoq", Window.Unit.QUARTER, "wow", Window.Unit.WEEK);
        for (int i = 0; i < tokens.size(); i++) {
            String w = word(i);
            if (overs.containsKey(w)) {
                overUnit = overs.get(w);
                consume(i, i + 1);
            }
            Grain unitGrain = grainOf(w);
            if (unitGrain != null && word(i + 1).equals("over") && grainOf(word(i + 2)) == unitGrain) {
                overUnit = unitOf(unitGrain);
                consume(i, i + 3);
                continue;
            }
            if (unitGrain != null
                    && !consumed[i]
                    && isWord(i - 1, "the")
                    && isWord(i + 1, "before", "earlier")
                    && (isWord(i - 2, "with", "to", "against", "vs", "versus", "and") || has("compare"))) {
                // "compare spend last month with the month before": each period against the one before it
                overUnit = unitOf(unitGrain);
                consume(i - 1, i + 2);
                continue;
            }
            Grain adjective = switch (w) {
                case "daily" -> Grain.DAY;
                case "weekly" -> Grain.WEEK;
                case "monthly" -> Grain.MONTH;
                case "quarterly" -> Grain.QUARTER;
                case "yearly", "annual", "annually" -> Grain.YEAR;
                default -> null;
            };
            if (adjective != null && !consumed[i] && isWord(i - 1, "average", "avg", "mean", "typical")) {
                perGrain = adjective;
                consume(i, i + 1);
                continue;
            }
            if (adjective != null && !consumed[i]) {
                // "monthly / annual recurring revenue" names a column or ARR, not a grain
                if (!word(i + 1).equals("recurring")) {
                    grain = adjective;
                    consume(i, i + 1);
                }
            }
            if (!consumed[i]
                    && unitGrain != null
                    && (GROUP_CUES.contains(word(i - 1)) || isWord(i - 1, "the", "a"))
                    && !consumed[i - 1 < 0 ? 0 : i - 1]) {
                int cue = isWord(i - 1, "the", "a") ? i - 2 : i - 1;
                if ((word(cue).equals("per") || word(cue).equals("a")) && has("average", "avg", "mean", "typical")) {
                    perGrain = unitGrain;
                    consume(cue, i + 1);
                } else if (GROUP_CUES.contains(word(cue)) || isWord(cue, "for")) {
                    grain = unitGrain;
                    consume(cue, i + 1);
                }
            }
            if (!consumed[i] && unitGrain != null && isWord(i + 1, "by") && grainOf(word(i + 2)) == unitGrain) {
                grain = unitGrain;
                consume(i, i + 3);
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            Grain unitGrain = grainOf(word(i));
            if (unitGrain == null || consumed[i] || (word(i).equals("date") && !isWord(i - 1, "which", "what"))) {
                continue;
            }
            boolean asked = isWord(i - 1, "which", "what")
                    || (isWord(i - 1, "best", "worst", "busiest", "strongest", "weakest", "slowest", "top", "peak")
                            && (isWord(i - 2, "the", "our", "was", "is") || i == 1));
            if (!asked
                    && i >= 2
                    && isWord(i - 2, "highest", "biggest", "largest", "lowest", "smallest", "best", "worst", "top")
                    && !STOP_WORDS.contains(word(i - 1))
                    && tokens.get(i - 1).kind() == Kind.WORD
                    && (i == 2 || isWord(i - 3, "the", "our", "was", "is", "what", "which"))) {
                // "the highest revenue month", "our lowest sales quarter": the period is asked for; the
                // superlative stays for the direction and the middle word for the measure
                askedGrain = unitGrain;
                consume(i, i + 1);
                continue;
            }
            if (asked) {
                askedGrain = unitGrain;
                consume(i, i + 1);
                if (isWord(i - 1, "best", "busiest", "strongest", "top", "peak")) {
                    consume(i - 1, i);
                    bestPeriod = 1;
                } else if (isWord(i - 1, "worst", "weakest", "slowest")) {
                    consume(i - 1, i);
                    bestPeriod = -1;
                }
            }
        }
        int when = indexOf("when");
        if (askedGrain == null
                && grain == null
                && when >= 0
                && !consumed[when]
                && tokens.stream().anyMatch(t -> superlative(t.text()))) {
            // "when was our biggest order", "when did we get the most signups": the day it happened
            askedGrain = Grain.DAY;
            consume(when, when + 1);
        }
        if (hasSequence("over", "time")
                || has("trend", "trends", "trending", "evolution", "evolved", "evolve", "timeline", "trajectory")) {
            trendCue = true;
            int at = indexOf("time");
            if (hasSequence("over", "time") && at > 0) {
                consume(at - 1, at + 1);
            }
        }
        parseNumerics();
    }

    /** +1 for "the best month", -1 for "the worst month", 0 when a superlative elsewhere decides. */
    private int bestPeriod;

    /** "average daily spend", "average revenue per month": an average of per-period totals. */
    private Grain perGrain;

    private static Window.Unit unitOf(Grain grain) {
        return switch (grain) {
            case DAY -> Window.Unit.DAY;
            case WEEK -> Window.Unit.WEEK;
            case MONTH -> Window.Unit.MONTH;
            case QUARTER -> Window.Unit.QUARTER;
            case YEAR -> Window.Unit.YEAR;
        };
    }

    private static Grain grainOf(String w) {
        return switch (Text.stem(w)) {
            case "day", "date" -> Grain.DAY;
            case "week" -> Grain.WEEK;
            case "month" -> Grain.MONTH;
            case "quarter" -> Grain.QUARTER;
            case "year" -> Grain.YEAR;
            default -> null;
        };
    }

    private void parseNumerics() {
        for (int i = 0; i < tokens.size(); i++) {
            if (consumed[i]) {
                continue;
            }
            String w = word(i);
            if ((w.equals("top")
                            || w.equals("bottom")
                            || w.equals("best")
                            || w.equals("worst")
                            || w.equals("first")
                            || w.equals("largest")
                            || w.equals("biggest")
                            || w.equals("highest")
                            || w.equals("lowest")
                            || w.equals("smallest"))
                    && i + 1 < tokens.size()
                    && (tokens.get(i + 1).kind() == Kind.NUMBER || Text.numberWord(word(i + 1)) != null)
                    && !consumed[i + 1]) {
                // "top 5", "top five"
                topCount = tokens.get(i + 1).kind() == Kind.NUMBER
                        ? tokens.get(i + 1).number().intValue()
                        : Text.numberWord(word(i + 1));
                topCountIndex = i;
                consume(i + 1, i + 2);
                continue;
            }
            if (tokens.get(i).kind() == Kind.NUMBER
                    && i + 1 < tokens.size()
                    && i > 0
                    && isWord(i - 1, "which", "what")
                    && tokens.get(i + 1).kind() == Kind.WORD
                    && tokens.get(i).number().scale() <= 0
                    && tokens.get(i).number().intValue() > 0
                    && tokens.get(i).number().intValue() < 1000) {
                // "which 3 countries have the highest MRR"
                topCount = tokens.get(i).number().intValue();
                topCountIndex = i;
                consume(i, i + 1);
                continue;
            }
            if (tokens.get(i).kind() == Kind.NUMBER
                    && i + 1 < tokens.size()
                    && superlative(word(i + 1))
                    && (i == 0 || isWord(i - 1, "the", "top", "bottom", "are", "were", "show", "list", "me"))
                    && tokens.get(i).number().scale() <= 0
                    && tokens.get(i).number().intValue() < 1000) {
                topCount = tokens.get(i).number().intValue();
                topCountIndex = i;
                consume(i, i + 1);
                continue;
            }
            if (tokens.get(i).kind() == Kind.NUMBER
                    && i + 1 < tokens.size()
                    && tokens.get(i + 1).kind() == Kind.WORD
                    && (i == 0 || isWord(i - 1, "the", "our", "me", "list", "show"))
                    && tokens.get(i).number().scale() <= 0
                    && tokens.get(i).number().intValue() > 0
                    && tokens.get(i).number().intValue() < 1000
                    && superlativeAfterWith(i + 2)) {
                // "3 campaigns with the most clicks"
                topCount = tokens.get(i).number().intValue();
                topCountIndex = i;
                consume(i, i + 1);
                continue;
            }
            Op op = null;
            int length = 0;
            if (Set.of("more", "greater", "higher", "larger", "bigger", "over").contains(w) && isWord(i + 1, "than")) {
                op = Op.GT;
                length = 2;
            } else if (Set.of("less", "fewer", "lower", "smaller").contains(w) && isWord(i + 1, "than")) {
                op = Op.LT;
                length = 2;
            } else if (Set.of("over", "above", "exceeding", "exceeds", "exceeded", "exceed", "beyond", ">")
                    .contains(w)) {
                op = Op.GT;
                length = 1;
            } else if (Set.of("under", "below", "<").contains(w)) {
                op = Op.LT;
                length = 1;
            } else if (w.equals("at") && isWord(i + 1, "least")) {
                op = Op.GE;
                length = 2;
            } else if (w.equals("at") && isWord(i + 1, "most")) {
                op = Op.LE;
                length = 2;
            } else if (w.equals(">=")) {
                op = Op.GE;
                length = 1;
            } else if (w.equals("<=")) {
                op = Op.LE;
                length = 1;
            } else if (w.equals("no") && isWord(i + 1, "more", "less", "fewer") && isWord(i + 2, "than")) {
                op = isWord(i + 1, "more") ? Op.LE : Op.GE;
                length = 3;
            } else if ((w.equals("exactly") || w.equals("=")) || (w.equals("equal") && isWord(i + 1, "to"))) {
                op = Op.EQ;
                length = w.equals("equal") ? 2 : 1;
            } else if (w.equals("between")) {
                op = Op.BETWEEN;
                length = 1;
            }
            if (op == null
                    && tokens.get(i).kind() == Kind.NUMBER
                    && isWord(i + 1, "to")
                    && i + 2 < tokens.size()
                    && tokens.get(i + 2).kind() == Kind.NUMBER
                    && !consumed[i + 2]
                    && !isWord(i - 1, "top", "bottom", "first", "last")) {
                // "priced 10 to 20", "from 10 to 20 seats": a range of values
                double low = tokens.get(i).number().doubleValue();
                double high = tokens.get(i + 2).number().doubleValue();
                int from = isWord(i - 1, "from") ? i - 1 : i;
                numerics.add(new Numeric(
                        from,
                        i + 3,
                        Op.BETWEEN,
                        List.of(Math.min(low, high), Math.max(low, high)),
                        tokens.get(i).percent()));
                consume(from, i + 3);
                continue;
            }
            if (op == null) {
                continue;
            }
            int at = i + length;
            double factor = factor(at);
            if (factor > 0 && op != Op.BETWEEN && op != Op.EQ) {
                // "more than five times their reorder level", "under half the target": a multiple of a column
                int operand = at + (isWord(at, "half", "twice", "double", "triple", "thrice") ? 1 : 2);
                while (isWord(operand, "the", "their", "its", "our", "his", "her", "of")) {
                    operand++;
                }
                columnOperands.add(new ColumnOperand(i, operand, op, factor));
                consume(at, operand);
                continue;
            }
            if (at < tokens.size() && tokens.get(at).kind() == Kind.NUMBER && !consumed[at]) {
                Token number = tokens.get(at);
                if (op == Op.BETWEEN) {
                    if (isWord(at + 1, "and")
                            && at + 2 < tokens.size()
                            && tokens.get(at + 2).kind() == Kind.NUMBER) {
                        double low = tokens.get(at).number().doubleValue();
                        double high = tokens.get(at + 2).number().doubleValue();
                        numerics.add(new Numeric(
                                i,
                                at + 3,
                                Op.BETWEEN,
                                List.of(Math.min(low, high), Math.max(low, high)),
                                number.percent()));
                        consume(i, at + 3);
                    }
                    continue;
                }
                double value = number.number().doubleValue();
                numerics.add(new Numeric(i, at + 1, op, List.of(value), number.percent()));
                consume(i, at + 1);
            } else if (op != Op.BETWEEN && op != Op.EQ) {
                int operand = at;
                while (isWord(operand, "the", "their", "its", "our", "his", "her")) {
                    operand++;
                }
                columnOperands.add(new ColumnOperand(i, operand, op, 1));
            }
        }
    }

    /** The multiple at {@code at} ("5 times", "twice", "half"), or 0 when there is none. */
    private double factor(int at) {
        if (at >= tokens.size() || consumed[at]) {
            return 0;
        }
        if (tokens.get(at).kind() == Kind.NUMBER && isWord(at + 1, "times")) {
            return tokens.get(at).number().doubleValue();
        }
        Integer spelled = Text.numberWord(word(at));
        if (spelled != null && isWord(at + 1, "times")) {
            return spelled;
        }
        return switch (word(at)) {
            case "twice", "double" -> 2;
            case "triple", "thrice" -> 3;
            case "half" -> 0.5;
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- table choice

    private List<Mention> mentionsFor(TableSchema table, Lexicon lexicon) {
        List<Mention> found = lexicon.mentions(tokens, consumed, Set.of());
        List<Mention> mentions = new ArrayList<>(
                found.stream().filter(m -> !modifierMeasure(m, found)).toList());
        if (timeColumn(table) == null) {
            return mentions;
        }
        if (weekdayPhrase != null) {
            // "revenue by day of the week": the weekday of the table's date, a grouping of its own
            mentions.add(new Mention(weekdayPhrase[0], weekdayPhrase[1], MatchKind.COLUMN, Plan.WEEKDAY, null, 1.0));
        }
        for (Token token : tokens) {
            // "revenue on Mondays": a weekday name is a value of that grouping
            String day = Text.stem(token.text());
            int at = token.index();
            // "for Monday's sync", "before Monday": when something is due, not a day of the data
            boolean deadline = possessives.contains(at) || isWord(at - 1, "before", "by", "until", "till", "after");
            if (!consumed[at] && !deadline && mentions.stream().noneMatch(m -> m.from() <= at && at < m.to())) {
                Plan.WEEKDAY.values().stream()
                        .filter(name -> name.toLowerCase(Locale.ROOT).equals(day))
                        .findFirst()
                        .ifPresent(name ->
                                mentions.add(new Mention(at, at + 1, MatchKind.VALUE, Plan.WEEKDAY, name, 1.0)));
            }
        }
        mentions.sort(Comparator.comparingInt(Mention::from));
        return mentions;
    }

    /**
     * Where "day of (the) week", "weekday(s)" or "dow" stands, as {from, to}, or null. A table whose
     * own columns say so would be matched by the lexicon instead, so the phrase is only taken when no
     * column of any table is named by it.
     */
    private int[] weekdayPhrase(List<TableSchema> tables) {
        for (int i = 0; i < tokens.size(); i++) {
            int to = -1;
            if (isWord(i, "weekday", "weekdays", "dow")) {
                to = i + 1;
            } else if (isWord(i, "day", "days") && isWord(i + 1, "of")) {
                int week = isWord(i + 2, "the") ? i + 3 : i + 2;
                to = isWord(week, "week") ? week + 1 : -1;
            }
            if (to > 0) {
                boolean named = false;
                for (TableSchema table : tables) {
                    List<Mention> own =
                            lexicons.computeIfAbsent(table, Lexicon::of).mentions(tokens, consumed, Set.of());
                    int from = i;
                    int end = to;
                    named |= own.stream().anyMatch(m -> m.from() <= from && m.to() >= end);
                }
                return named ? null : new int[] {i, to};
            }
        }
        return null;
    }

    /**
     * "the sales channel", "in the sales table": a measure's word that only qualifies the noun after
     * it — a grouping column named through a synonym of the measure, or the data itself — is not what
     * is measured. A measure's own name stays the measure ("clicks campaign X" in terse chat).
     */
    private boolean modifierMeasure(Mention mention, List<Mention> mentions) {
        if (mention.kind() != MatchKind.COLUMN
                || mention.column().role() != ColumnRole.MEASURE
                || mention.to() - mention.from() != 1) {
            return false;
        }
        int next = mention.to();
        if (isWord(next, "table", "dataset", "file", "sheet", "spreadsheet", "records")
                || (isWord(next, "data") && mention.from() > 0 && isWord(mention.from() - 1, "the", "this", "that"))) {
            return true;
        }
        return mention.score() < 1.0
                && mentions.stream()
                        .anyMatch(m -> m.from() == next
                                && m.kind() == MatchKind.COLUMN
                                && m.score() >= 1.0 - 1e-9
                                && (m.column().role() == ColumnRole.DIMENSION
                                        || m.column().role() == ColumnRole.IDENTIFIER));
    }

    /** Whether "with / having / that had (the) <superlative>" follows from {@code from} on. */
    private boolean superlativeAfterWith(int from) {
        for (int k = from; k < tokens.size(); k++) {
            if (isWord(k, "with", "having", "had", "has", "have")) {
                int next = isWord(k + 1, "the") ? k + 2 : k + 1;
                if (superlative(word(next))) {
                    return true;
                }
            }
        }
        return false;
    }

    private double score(TableSchema table, List<Mention> mentions) {
        Map<Integer, Double> best = new LinkedHashMap<>();
        for (Mention mention : mentions) {
            best.merge(mention.from(), mention.score() * (mention.to() - mention.from()), Math::max);
        }
        double score = best.values().stream().mapToDouble(Double::doubleValue).sum();
        // a table keyed by the entity the question names ("customers" in a one-row-per-customer table) is about it
        Set<Integer> keyed = new HashSet<>();
        for (Mention mention : mentions) {
            ColumnInfo column = mention.column();
            if (mention.kind() == MatchKind.COLUMN && isKey(table, column) && keyed.add(mention.from())) {
                score += 0.3;
            }
        }
        Set<String> nameWords = tableWords(table);
        for (Token token : tokens) {
            boolean covered = mentions.stream().anyMatch(m -> m.from() <= token.index() && token.index() < m.to());
            if (!consumed[token.index()] && !covered && nameWords.contains(token.stem())) {
                score += 0.5;
            }
        }
        for (String kind : derivedKinds()) {
            if (buildDerived(kind, kind, table) != null) {
                score += 1.5;
            }
        }
        if ((has(PURCHASE_VERBS) || has(SELLING_VERBS) || customerSpending()) && transactional(table)) {
            // "customers who bought from us", "which category sold the most": the table of purchases
            score += 1.0;
        } else if (has("popular") && !mentions.isEmpty() && transactional(table)) {
            // "the most popular product": popular with buyers, counted in the table of purchases (not
            // in a catalogue holding each product once)
            score += 1.0;
        }
        boolean needsTime =
                !timePhrases.isEmpty() || grain != null || trendCue || overUnit != null || askedGrain != null;
        if (needsTime && table.columns().stream().noneMatch(c -> c.role() == ColumnRole.TIME)) {
            score -= 1.5;
        }
        if (has("biggest", "largest", "top", "best")
                && mentions.stream().noneMatch(m -> m.column().role() == ColumnRole.MEASURE)
                && !hasSequence("number", "of")
                && !has("expensive", "cheapest", "priciest")
                && transactional(table)) {
            // "our top customers", "our biggest customer in 2025": a ranking by no named measure is about
            // what happened, the table of transactions, not a table of current states (a subscription's
            // MRR today)
            score += 0.5;
        }
        return score;
    }

    /** Whether a table's rows are purchases: its name or a column speaks of orders, sales, invoices… */
    private static boolean transactional(TableSchema table) {
        Set<String> words = new HashSet<>(tableWords(table));
        for (ColumnInfo column : table.columns()) {
            for (String w : Text.words(column.name())) {
                words.add(Text.stem(w));
            }
        }
        return words.stream()
                .anyMatch(w -> Set.of("order", "sale", "purchase", "invoice", "transaction")
                        .contains(w));
    }

    /** Whether {@code column} is the table's unique key (an identifier nearly every row holds once). */
    private static boolean isKey(TableSchema table, ColumnInfo column) {
        return column.role() == ColumnRole.IDENTIFIER && rowUnique(table, column);
    }

    /** Whether nearly every row of the table holds its own value of {@code column}. */
    private static boolean rowUnique(TableSchema table, ColumnInfo column) {
        return table.rowCount() > 0 && column.distinctCount() >= table.rowCount() * 0.95;
    }

    private static Set<String> tableWords(TableSchema table) {
        Set<String> words = new HashSet<>();
        for (String w : Text.words(table.name())) {
            words.add(Text.stem(w));
        }
        for (String w : Text.words(table.table())) {
            words.add(Text.stem(w));
        }
        return words;
    }

    private Outcome run(List<TableSchema> tables) {
        if (tokens.isEmpty()) {
            return new Refused("The question is empty.", null);
        }
        if (tables.isEmpty()) {
            return new Refused("There is no data to answer from yet: upload a data source first.", null);
        }
        if (has("forecast", "forecasts", "predict", "prediction", "projected", "projection", "will")
                || (has("next")
                        && (has("year", "month", "quarter", "week", "day") || has("years", "months", "quarters")))) {
            return new Refused(
                    "clariBI answers from the data that was recorded; it does not forecast future values.", null);
        }
        if (has("why") || hasSequence("how", "come")) {
            return new Refused(
                    "clariBI reports what the data recorded, not why it happened: ask how a figure changed over time"
                            + " or which groups moved it, and judge the causes from there.",
                    null);
        }
        weekdayPhrase = weekdayPhrase(tables);
        prePass();
        TableSchema chosen = null;
        List<Mention> chosenMentions = List.of();
        double bestScore = Double.NEGATIVE_INFINITY;
        List<String> tied = new ArrayList<>();
        Map<TableSchema, List<Mention>> mentionsByTable = new java.util.IdentityHashMap<>();
        for (TableSchema table : tables) {
            List<Mention> mentions = mentionsFor(table, lexicons.computeIfAbsent(table, Lexicon::of));
            mentionsByTable.put(table, mentions);
            double score = score(table, mentions);
            if (score > bestScore + 1e-9) {
                bestScore = score;
                chosen = table;
                chosenMentions = mentions;
                tied.clear();
                tied.add(table.name());
            } else if (Math.abs(score - bestScore) <= 1e-9) {
                tied.add(table.name());
            }
        }
        if (bestScore <= 0 && !has("how", "count", "number", "busiest", "quietest") && tables.size() > 1) {
            return new Refused("Nothing in the question matches a column or value of " + names(tables) + ".", null);
        }
        Refused elsewhere = valueOfAnotherTable(chosen, chosenMentions, mentionsByTable);
        if (elsewhere != null) {
            return elsewhere;
        }
        Plan plan = new Plan(chosen);
        if (tables.size() > 1) {
            plan.notes.add("Answered from data source '" + chosen.name() + "'"
                    + (tied.size() > 1 ? " (" + String.join(", ", tied) + " matched the question equally well)" : "")
                    + ".");
        }
        plan.notes.addAll(corrections);
        return new Builder(plan, chosenMentions).build();
    }

    /**
     * "margin on Kitchen products" when only sales orders have a margin and only the inventory has
     * Kitchen: a value the question names exactly in another table, but nowhere in the chosen one,
     * cannot be applied; answering without it would silently drop the filter.
     */
    private Refused valueOfAnotherTable(
            TableSchema chosen, List<Mention> chosenMentions, Map<TableSchema, List<Mention>> mentionsByTable) {
        for (Map.Entry<TableSchema, List<Mention>> entry : mentionsByTable.entrySet()) {
            if (entry.getKey() == chosen) {
                continue;
            }
            for (Mention mention : entry.getValue()) {
                boolean covered =
                        chosenMentions.stream().anyMatch(m -> m.from() < mention.to() && mention.from() < m.to());
                // "…ad spend for Q3 2025? finance wants it": a sentence that names nothing of the
                // chosen table is talk around the question
                boolean aside =
                        chosenMentions.stream().noneMatch(m -> sentenceOf[m.from()] == sentenceOf[mention.from()]);
                if (mention.kind() == MatchKind.VALUE && mention.score() >= 0.99 && !covered && !aside) {
                    String words = String.join(
                            " ",
                            tokens.subList(mention.from(), mention.to()).stream()
                                    .map(Token::text)
                                    .toList());
                    return new Refused(
                            "'" + words + "' is a "
                                    + Lexicon.display(mention.column().name()) + " in '"
                                    + entry.getKey().name() + "', not in '" + chosen.name()
                                    + "', which the rest of the question is about; one answer cannot combine the two.",
                            chosen);
                }
            }
        }
        return null;
    }

    private static String names(List<TableSchema> tables) {
        return String.join(", ", tables.stream().map(t -> "'" + t.name() + "'").toList());
    }

    // ---------------------------------------------------------------- slot filling

    /** A span of tokens with its candidate readings, best first. */
    private record Span(int from, int to, List<Mention> candidates) {
        Mention best() {
            return candidates.getFirst();
        }

        boolean isColumn() {
            return best().kind() == MatchKind.COLUMN;
        }

        boolean isValue() {
            return best().kind() == MatchKind.VALUE;
        }
    }

    private final class Builder {
        private final Plan plan;
        private final List<Span> spans = new ArrayList<>();
        private final Set<Span> used = new HashSet<>();
        private final List<String> refusals = new ArrayList<>();
        private boolean groupedByCue;
        /** "average revenue per customer": the many-valued column the total is shared out over. */
        private ColumnInfo perEntity;
        /** "mrr per seat", "spend per click": the measure the metric's total is divided by. */
        private ColumnInfo perMeasure;
        /** How the question names {@link #perMeasure} ("seat"), for the metric's name. */
        private String perMeasureWords;
        /** "rank the regions by revenue": all values in order, not the top 5. */
        private boolean ranked;
        /** "what sold the most": the asked-for thing is the product column, named by no word. */
        private boolean whatSold;
        /** A yes/no threshold written with a percent sign ("above 4%"). */
        private boolean thresholdInPercent;

        /**
         * The sort order a question asks for ("from lowest to highest": true, "in descending order":
         * false), or null; the superlatives that said it are added to {@code sortWords}.
         */
        private Boolean sortOrder(Set<Integer> sortWords) {
            if (has("ascending", "descending")) {
                return has("ascending");
            }
            for (int to = 1; to < tokens.size(); to++) {
                if (!isWord(to, "to")) {
                    continue;
                }
                int from = isWord(to - 1, "the") ? to - 2 : to - 1;
                int until = isWord(to + 1, "the") ? to + 2 : to + 1;
                if (from >= 0
                        && superlative(word(from))
                        && superlative(word(until))
                        && SUPERLATIVE_ASC.contains(word(from)) != SUPERLATIVE_ASC.contains(word(until))) {
                    sortWords.add(from);
                    sortWords.add(until);
                    return SUPERLATIVE_ASC.contains(word(from));
                }
            }
            return null;
        }

        /** Whether the rows' own noun stands before {@code i}: "products (that are) in stock". */
        private boolean entityBefore(TableSchema table, int i) {
            int j = i - 1;
            while (isWord(j, "are", "is", "currently", "still", "that", "which")) {
                j--;
            }
            if (j < 0) {
                return false;
            }
            Span span = spanAt(j);
            return tableWords(table).contains(tokens.get(j).stem())
                    || ROW_NOUNS.contains(tokens.get(j).stem())
                    || (span != null
                            && span.isColumn()
                            && column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER, ColumnRole.TEXT)
                                            .role()
                                    != ColumnRole.MEASURE);
        }

        /** "cheapest", "most expensive": the average price, else the total spend or cost; or null. */
        private Metric expensive(TableSchema table) {
            if (!has("cheapest", "expensive", "priciest")) {
                return null;
            }
            ColumnInfo price = conceptColumn(table, "price");
            if (price != null) {
                return Metric.of("avg", price);
            }
            ColumnInfo spent = conceptColumn(table, "spend") != null
                    ? conceptColumn(table, "spend")
                    : conceptColumn(table, "cost");
            if (spent == null) {
                return null;
            }
            plan.notes.add("'expensive' read as the total of " + spent.name() + ".");
            return Metric.of("sum", spent);
        }

        /** Whether tokens [from, to) only name {@code metric}'s columns, joined by arithmetic words. */
        private boolean explains(int from, int to, Metric metric) {
            for (int k = from; k < Math.min(to, tokens.size()); k++) {
                Span span = spanAt(k);
                boolean ownColumn = span != null
                        && span.candidates().stream()
                                .anyMatch(m -> m.kind() == MatchKind.COLUMN
                                        && metric.columns().contains(m.column()));
                if (!ownColumn && !isWord(k, "per", "divided", "by", "over", "times", "x", "minus", "the", "total")) {
                    return false;
                }
            }
            return to > from;
        }

        /** "the highest revenue of any region": the value of the leading group is asked. */
        private boolean bestOfAny;

        /** Whether "of / for / in any &lt;column&gt;" at {@code i} groups by it under a superlative. */
        private boolean bestOfAny(int i) {
            Span span = spanAt(i + 2);
            boolean cue = isWord(i, "of", "for", "in")
                    && isWord(i + 1, "any")
                    && span != null
                    && span.isColumn()
                    && tokens.stream().anyMatch(t -> superlative(t.text()))
                    // "the best month for any region" asks for a month
                    && tokens.stream().noneMatch(t -> superlative(t.text()) && grainOf(word(t.index() + 1)) != null);
            bestOfAny |= cue;
            return cue;
        }

        private boolean countCue() {
            return hasSequence("how", "many")
                    || hasSequence("number", "of")
                    || has("count", "counts")
                    || hasSequence("#", "of");
        }

        Builder(Plan plan, List<Mention> mentions) {
            this.plan = plan;
            if (mentions.stream().anyMatch(m -> m.column() == Plan.WEEKDAY)) {
                plan.weekdayOf = timeColumn(plan.table);
            }
            Map<Integer, List<Mention>> byStart = new LinkedHashMap<>();
            for (Mention mention : mentions) {
                byStart.computeIfAbsent(mention.from(), k -> new ArrayList<>()).add(mention);
            }
            for (List<Mention> group : byStart.values()) {
                List<Mention> sorted = new ArrayList<>(group);
                sorted.sort(Comparator.comparingDouble((Mention m) -> -m.score())
                        .thenComparing(m -> m.kind() == MatchKind.VALUE ? 0 : 1)
                        .thenComparing(m -> rolePreference(m.column())));
                spans.add(new Span(sorted.getFirst().from(), sorted.getFirst().to(), sorted));
            }
        }

        private int rolePreference(ColumnInfo column) {
            return switch (column.role()) {
                case MEASURE -> 0;
                case DIMENSION -> 1;
                case TIME -> 2;
                case IDENTIFIER -> 3;
                case TEXT -> 4;
            };
        }

        private Span spanAt(int index) {
            for (Span span : spans) {
                if (span.from() <= index && index < span.to()) {
                    return span;
                }
            }
            return null;
        }

        /** The first span starting at or after {@code index}, skipping only filler words. */
        private Span spanAfter(int index, int maxGap) {
            int gap = 0;
            for (int i = index; i < tokens.size() && gap <= maxGap; i++) {
                Span span = spanAt(i);
                if (span != null) {
                    return span;
                }
                if (!Set.of(
                                "the",
                                "a",
                                "an",
                                "all",
                                "each",
                                "every",
                                "their",
                                "its",
                                "our",
                                "of",
                                "different",
                                "unique",
                                "distinct",
                                "individual",
                                "single",
                                "most",
                                "least",
                                "highest",
                                "lowest",
                                "total")
                        .contains(word(i))) {
                    gap++;
                }
            }
            return null;
        }

        /** The column this span names, choosing among equally good candidates by the roles wanted. */
        private ColumnInfo column(Span span, ColumnRole... preferred) {
            double top = span.best().score();
            List<Mention> columns = span.candidates().stream()
                    .filter(m -> m.kind() == MatchKind.COLUMN && m.score() >= top - 1e-9)
                    .toList();
            if (columns.isEmpty()) {
                columns = span.candidates().stream()
                        .filter(m -> m.kind() == MatchKind.COLUMN)
                        .toList();
            }
            if (columns.isEmpty()) {
                return null;
            }
            for (ColumnRole role : preferred) {
                for (Mention mention : columns) {
                    if (mention.column().role() == role) {
                        return mention.column();
                    }
                }
            }
            return columns.getFirst().column();
        }

        private String phrase(Span span) {
            return phrase(span.from(), span.to());
        }

        /** The question's words [from, to), as said. */
        private String phrase(int from, int to) {
            StringBuilder text = new StringBuilder();
            for (int i = from; i < to; i++) {
                text.append(i > from ? " " : "").append(word(i));
            }
            return text.toString();
        }

        Outcome build() {
            TableSchema table = plan.table;
            boolean yesNo = (AUXILIARIES.contains(word(start)) || word(start).equals("any") || askedIf())
                    && !hasSequence("how", "much")
                    && !has("which", "what")
                    && !request();
            // 1. derived metrics named by the question (margin, CTR, CPA …)
            Metric derived = derivedMetric();
            if (!refusals.isEmpty()) {
                return new Refused(refusals.getFirst(), table);
            }
            // 2. numeric conditions: find the column each one is about
            List<Span> filterTargets = new ArrayList<>();
            Map<Numeric, ColumnInfo> numericColumns = new LinkedHashMap<>();
            for (Numeric numeric : numerics) {
                Span target = measureBefore(numeric.from());
                if (target == null) {
                    Span after = spanAfter(numeric.to(), 1);
                    if (after != null
                            && after.isColumn()
                            && column(after, ColumnRole.MEASURE).role() == ColumnRole.MEASURE) {
                        target = after;
                    }
                }
                if (target != null) {
                    filterTargets.add(target);
                    numericColumns.put(numeric, column(target, ColumnRole.MEASURE));
                } else {
                    numericColumns.put(numeric, null);
                }
            }
            // 2a. "orders with a discount", "customers that have any seats": the measure is above zero;
            // "products out of stock", "orders without a discount", "with no seats": it is zero
            for (int i = 0; i + 1 < tokens.size(); i++) {
                int at;
                Op op;
                ColumnInfo adjective = participleColumn(table, i);
                if (adjective != null
                        && (tableWords(table).contains(tokens.get(i + 1).stem())
                                || ROW_NOUNS.contains(tokens.get(i + 1).stem()))) {
                    // "discounted orders": the measure the adjective is made from is above zero
                    Double min = adjective.min() == null ? null : parseDouble(adjective.min());
                    if (min != null && min == 0.0) {
                        plan.filters.add(new Condition(adjective, Op.GT, List.of(0.0)));
                        consume(i, i + 1);
                        plan.notes.add("'" + phrase(i, i + 2) + "' was read as " + adjective.name() + " > 0.");
                    }
                    continue;
                }
                boolean having = isWord(i, "with", "had", "has", "have", "having", "got", "get");
                if (having && isWord(i + 1, "a", "an", "any")) {
                    at = i + 2;
                    op = Op.GT;
                } else if (isWord(i, "out") && isWord(i + 1, "of")) {
                    at = i + 2;
                    op = Op.EQ;
                } else if (isWord(i, "in") && isWord(i + 1, "stock") && entityBefore(table, i)) {
                    // "the cheapest product in stock": a condition on the products, not the stock's total
                    at = spanAt(i) != null ? i : i + 1;
                    op = Op.GT;
                } else if (isWord(i, "without") || (having && isWord(i + 1, "no", "zero"))) {
                    at = isWord(i, "without") ? i + 1 : i + 2;
                    if (isWord(at, "a", "an", "any")) {
                        at++;
                    }
                    op = Op.EQ;
                } else {
                    continue;
                }
                Span span = spanAt(at);
                if (span == null
                        || !span.isColumn()
                        || filterTargets.contains(span)
                        || spanAt(span.to()) != null
                        || isWord(span.to(), "of", "over", "above", "below", "under", "than")) {
                    continue;
                }
                ColumnInfo column = column(span, ColumnRole.MEASURE);
                Double min = column.min() == null ? null : parseDouble(column.min());
                // "above zero" for a measure some rows hold at zero; "zero" for any that cannot go below it
                boolean inStock = isWord(i, "in");
                if (column.role() == ColumnRole.MEASURE
                        && min != null
                        && (op == Op.GT ? min == 0.0 || (inStock && min >= 0.0) : min >= 0.0)) {
                    plan.filters.add(new Condition(column, op, List.of(0.0)));
                    filterTargets.add(span);
                    used.add(span);
                    plan.notes.add("'" + phrase(i, span.to()) + "' was read as " + column.name()
                            + (op == Op.GT ? " > 0." : " = 0."));
                }
            }
            // 2b. "stock below (the) reorder level": a row filter between two measure columns
            for (ColumnOperand operand : columnOperands) {
                Span right = spanAt(operand.operand());
                if (right == null
                        || !right.isColumn()
                        || column(right, ColumnRole.MEASURE).role() != ColumnRole.MEASURE) {
                    continue;
                }
                ColumnInfo rightColumn = column(right, ColumnRole.MEASURE);
                double factor = operand.factor();
                String rightSide = (factor == 1 ? "" : Format.plain(factor) + " × ") + rightColumn.name();
                Span left = measureBefore(operand.from());
                ColumnInfo leftColumn;
                if (left != null) {
                    leftColumn = column(left, ColumnRole.MEASURE);
                    filterTargets.add(left);
                    used.add(left);
                    plan.notes.add("Kept the rows where " + leftColumn.name() + " " + operand.op().symbol + " "
                            + rightSide + ".");
                } else {
                    // "items below their reorder level": the one other measure of the same type
                    List<ColumnInfo> alike = table.columns().stream()
                            .filter(c -> c.role() == ColumnRole.MEASURE
                                    && !c.equals(rightColumn)
                                    && !isIdLike(c)
                                    && c.type().equals(rightColumn.type()))
                            .toList();
                    if (alike.size() != 1) {
                        return new Refused(
                                "The question compares with " + rightColumn.name()
                                        + " but does not say which column to compare; name it, for example '"
                                        + (alike.isEmpty()
                                                ? "<column>"
                                                : alike.getFirst().name()) + " "
                                        + word(operand.from()) + " " + rightColumn.name() + "'.",
                                table);
                    }
                    leftColumn = alike.getFirst();
                    plan.notes.add("'" + phrase(operand.from(), right.to()) + "' was read as "
                            + leftColumn.name() + " " + operand.op().symbol + " " + rightSide
                            + ", the only other measure of its type.");
                }
                if (leftColumn.equals(rightColumn)) {
                    continue;
                }
                filterTargets.add(right);
                used.add(right);
                plan.columnComparisons.add(
                        new Plan.ColumnComparison(leftColumn, operand.op(), operand.factor(), rightColumn));
            }
            // 3. group-by dimensions
            List<Span> dimensionSpans = new ArrayList<>();
            boolean timeGroup = false;
            for (int i = 0; i < tokens.size(); i++) {
                // "across all warehouses", "for all regions": a total over them, not a breakdown
                boolean overAll = isWord(i + 1, "all") && isWord(i, "across", "for", "over");
                boolean cue = !overAll
                        && (GROUP_CUES.contains(word(i)) && !consumed[i]
                                || (word(i).equals("for") && isWord(i + 1, "each", "every"))
                                || bestOfAny(i));
                // "top regions by number of orders": what is counted, not a breakdown
                int counted = isWord(i + 1, "the") ? i + 2 : i + 1;
                if (!cue || (word(i).equals("by") && isWord(counted, "number", "count") && isWord(counted + 1, "of"))) {
                    continue;
                }

                Span span = spanAfter(i + 1, 1);
                // "by product category": of adjacent column words the last one is the head noun
                while (span != null && span.isColumn()) {
                    Span adjacent = spanAt(span.to());
                    if (adjacent == null
                            || !adjacent.isColumn()
                            || column(adjacent, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER)
                                            .role()
                                    == ColumnRole.MEASURE) {
                        break;
                    }
                    used.add(span);
                    span = adjacent;
                }
                if (span != null
                        && span.isColumn()
                        && word(i).equals("by")
                        && (topCount != null || has("top", "bottom"))
                        && !isSingular(span)
                        && perRow(table, span)) {
                    // "top 3 countries by orders": ranked by how many orders, not grouped by order
                    used.add(span);
                    continue;
                }
                if (span != null && span.isColumn() && word(i).equals("per") && perRow(table, span)) {
                    // "revenue per order", "seats per customer": one row per entity, not a breakdown
                    used.add(span);
                    continue;
                }
                if (span != null && span.isColumn() && word(i).equals("per") && perMeasure(span)) {
                    perMeasure = column(span, ColumnRole.MEASURE);
                    perMeasureWords = phrase(span);
                    used.add(span);
                    continue;
                }
                if (span != null && span.isColumn() && word(i).equals("per") && perEntity(span)) {
                    // "average revenue per customer": the total shared out over the customers
                    perEntity = column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER);
                    used.add(span);
                    continue;
                }
                while (span != null && span.isColumn()) {
                    ColumnInfo column = column(
                            span,
                            ColumnRole.DIMENSION,
                            ColumnRole.IDENTIFIER,
                            ColumnRole.TEXT,
                            ColumnRole.TIME,
                            ColumnRole.MEASURE);
                    if (column.role() == ColumnRole.TIME) {
                        timeGroup = true;
                        plan.timeColumn = column;
                        used.add(span);
                        Grain named = grainOf(word(span.to()));
                        if (named != null && grain == null && !consumed[Math.min(span.to(), tokens.size() - 1)]) {
                            // "by signup year": that date column, at that grain
                            grain = named;
                            consume(span.to(), span.to() + 1);
                        }
                    } else if (column.role() != ColumnRole.MEASURE && !dimensionSpans.contains(span)) {
                        dimensionSpans.add(span);
                    } else {
                        break;
                    }
                    if (isWord(span.to(), "and", ",", "&")
                            || (isWord(span.to(), "and") && isWord(span.to() + 1, "by"))) {
                        int next = isWord(span.to() + 1, "by") ? span.to() + 2 : span.to() + 1;
                        span = spanAfter(next, 0);
                    } else {
                        span = null;
                    }
                }
                if (span == null && spanAfter(i + 1, 1) == null) {
                    String unknown = nextContentWord(i + 1);
                    if (unknown != null && !ROW_NOUNS.contains(Text.stem(unknown)) && grain == null) {
                        return new Refused(
                                "'" + table.name() + "' has no column matching '" + unknown + "' to group by.", table);
                    }
                }
            }
            // "rank the regions by revenue", "sort products by units": every value, in order
            int rankVerb = indexOf("rank", "ranked", "ranking", "sort", "sorted");
            Span rankedSpan = rankVerb >= 0 ? spanAfter(rankVerb + 1, 2) : null;
            if (rankedSpan != null
                    && rankedSpan.isColumn()
                    && !dimensionSpans.contains(rankedSpan)
                    && column(rankedSpan, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER)
                                    .role()
                            != ColumnRole.MEASURE) {
                dimensionSpans.add(rankedSpan);
                ranked = true;
            }
            groupedByCue = !dimensionSpans.isEmpty();
            // "did any campaign spend more than 200,000": a yes/no question about groups' totals
            int any = indexOf("any");
            // ("… more than 1,000 clicks in a single day" is about rows, not totals)
            Span anyGroup = yesNo && any >= 0 && numerics.size() == 1 && !has("single", "once", "daily", "one")
                    ? spanAt(any + 1)
                    : null;
            if (anyGroup != null && anyGroup.isColumn() && dimensionSpans.isEmpty() && !perRow(table, anyGroup)) {
                dimensionSpans.add(anyGroup);
            } else {
                anyGroup = null;
            }
            // "which X", "what X", "top N X", "list X": the dimension asked about
            Span askedSpan = null;
            int which = indexOf("which", "what", "whose", "who");
            // "least common industry among churned customers": asked for without "which"
            boolean commonFirst =
                    which < 0 && isWord(start, "most", "least") && isWord(start + 1, "common", "frequent", "usual");
            if (which >= 0 || commonFirst) {
                // "which region …", "what were our best selling products …"
                int at = which + 1;
                while (at < tokens.size()
                        && (isWord(at, "was", "were", "is", "are", "our", "the", "my", "your", "their")
                                // "what's the most common industry among churned customers"
                                || (isWord(at, "common", "frequent", "usual") && isWord(at - 1, "most", "least"))
                                || superlative(word(at))
                                || (word(at).endsWith("ing") && spanAt(at) == null)
                                // "which sales channel": a word naming only the table qualifies the noun
                                || (spanAt(at) == null
                                        && spanAt(at + 1) != null
                                        && tableWords(table)
                                                .contains(tokens.get(at).stem())))) {
                    at++;
                }
                Span span = spanAfter(at, 0);
                // "what was the largest single order" asks for a value, "which order …" for the order
                boolean rowValue = span != null
                        && which >= 0
                        && word(which).equals("what")
                        && at > which + 1
                        && perRow(table, span);
                if (span != null && span.isColumn() && !rowValue) {
                    ColumnInfo column = column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER, ColumnRole.TEXT);
                    if (column.role() != ColumnRole.MEASURE && column.role() != ColumnRole.TIME) {
                        askedSpan = span;
                    }
                }
            }
            if (askedSpan == null && which >= 0 && word(which).equals("which") && isWord(which + 1, "one", "of")) {
                // "of the two Meta campaigns, which one had …": the plural column named before
                for (Span span : spans) {
                    if (span.from() < which
                            && span.isColumn()
                            && !isSingular(span)
                            && column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER)
                                            .role()
                                    == ColumnRole.DIMENSION) {
                        askedSpan = span;
                        break;
                    }
                }
            }
            int topIndex = topCountIndex >= 0 ? topCountIndex : indexOf("top", "bottom");
            if (askedSpan == null && topIndex >= 0) {
                // "the 3 best-selling products": skip the superlative and its participle
                int at = topIndex + 1;
                while (at < tokens.size()
                        && spanAt(at) == null
                        && (superlative(word(at))
                                || word(at).endsWith("ing")
                                // "the top 5 most expensive kitchen products" ("expensive" is a superlative)
                                || tokens.get(at).kind() == Kind.NUMBER
                                || isWord(at, "profitable"))) {
                    at++;
                }
                Span span = headNoun(spanAfter(at, 1));
                // "bottom 3 garden products": the value narrows the rows, the noun after it is ranked
                if (span != null
                        && span.isValue()
                        && spanAt(span.to()) != null
                        && spanAt(span.to()).isColumn()) {
                    span = headNoun(spanAt(span.to()));
                }
                if (span != null && span.isColumn()) {
                    ColumnInfo column = column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER, ColumnRole.TEXT);
                    if (column.role() != ColumnRole.MEASURE && column.role() != ColumnRole.TIME) {
                        askedSpan = span;
                    }
                }
            }
            int listIndex = listCue();
            if (askedSpan == null && listIndex >= 0) {
                Span span = headNoun(spanAfter(listIndex, 2));
                if (span != null && span.isColumn()) {
                    ColumnInfo column = column(span, ColumnRole.IDENTIFIER, ColumnRole.DIMENSION, ColumnRole.TEXT);
                    if (column.role() != ColumnRole.MEASURE && column.role() != ColumnRole.TIME) {
                        askedSpan = span;
                    }
                }
            }
            if (askedSpan == null && askedGrain == null) {
                // "the region with the highest revenue", "the cheapest product", "the customer who …"
                for (Span span : spans) {
                    if (!span.isColumn() || dimensionSpans.contains(span)) {
                        continue;
                    }
                    ColumnInfo column = column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER, ColumnRole.TEXT);
                    if (column.role() == ColumnRole.MEASURE || column.role() == ColumnRole.TIME) {
                        continue;
                    }
                    // "the smallest order revenue": the row noun qualifies a measure, a value is asked
                    Span qualified = spanAt(span.to());
                    if (perRow(table, span)
                            && qualified != null
                            && qualified.isColumn()
                            && column(qualified, ColumnRole.MEASURE).role() == ColumnRole.MEASURE) {
                        continue;
                    }
                    // one participle may sit between: "the best selling product", "the least stocked item"
                    String between = word(span.from() - 1);
                    int before = between.endsWith("ing") || between.endsWith("ed") ? span.from() - 2 : span.from() - 1;
                    boolean superlativeBefore = superlative(word(before));
                    boolean withAfter = isWord(
                            span.to(),
                            "with",
                            "that",
                            "who",
                            "having",
                            "had",
                            "has",
                            "generated",
                            "brought",
                            "sold",
                            "bought",
                            "purchased",
                            "ordered",
                            "made",
                            "spent");
                    boolean opens = span.from() == 0
                            || isWord(span.from() - 1, "all", "any", "me", "show", "list", "find")
                            || (superlativeBefore && (before == 0 || isWord(before - 1, "the", "our", "my", "your")));
                    if ((superlativeBefore || withAfter)
                            && (opens
                                    || word(span.from() - 1)
                                            .matches(
                                                    "the|most|least|cheapest|"
                                                            + "highest|lowest|largest|biggest|smallest|best|worst|top|expensive|popular"))) {
                        askedSpan = span;
                        break;
                    }
                }
            }
            // 4. value filters
            Map<ColumnInfo, List<Object>> equal = new LinkedHashMap<>();
            for (int i = 0; i + 1 < tokens.size(); i++) {
                Map.Entry<ColumnInfo, String> id = codeAt(table, i);
                if (id != null) {
                    // "order SO-10005": a code shaped like the column's own (too many to be in the lexicon)
                    equal.computeIfAbsent(id.getKey(), k -> new ArrayList<>()).add(id.getValue());
                    consume(i, i + 2);
                    plan.notes.add("'" + id.getValue() + "' read as a value of "
                            + id.getKey().name() + ".");
                }
            }
            Map<ColumnInfo, List<Object>> notEqual = new LinkedHashMap<>();
            List<Condition> valueMentions = new ArrayList<>();
            for (Span span : spans) {
                if (!span.isValue()) {
                    continue;
                }
                Mention value = span.best();
                ColumnInfo column = value.column();
                // a value tied between columns: prefer the dimension, then the one whose column is also named
                for (Mention candidate : span.candidates()) {
                    if (candidate.kind() == MatchKind.VALUE
                            && candidate.score() >= value.score() - 1e-9
                            && candidate.column().role() == ColumnRole.DIMENSION
                            && column.role() != ColumnRole.DIMENSION) {
                        value = candidate;
                        column = candidate.column();
                    }
                }
                if (value.score() < 1.0) {
                    plan.notes.add("Read '" + phrase(span) + "' as " + column.name() + " = '" + value.value() + "'.");
                }
                int before = isWord(span.from() - 1, "the", "a", "an") ? span.from() - 2 : span.from() - 1;
                boolean negated = isWord(
                                before,
                                "excluding",
                                "except",
                                "without",
                                "not",
                                "exclude",
                                "excludes",
                                "outside",
                                "besides")
                        || (isWord(before, "than") && isWord(before - 1, "other"))
                        || (isWord(before, "for") && isWord(before - 1, "except"))
                        || (isWord(before, "from") && isWord(before - 1, "apart", "aside"));
                List<Object> values = (negated ? notEqual : equal).computeIfAbsent(column, k -> new ArrayList<>());
                if (!values.contains(value.value())) {
                    // "churned Enterprise customers with active Enterprise customers": Enterprise once
                    values.add(value.value());
                }
                valueMentions.add(new Condition(column, Op.EQ, List.of(value.value())));
                used.add(span);
                // "the EMEA region": the column word right after its value is part of the value phrase
                ColumnInfo valueColumn = column;
                Span next = spanAt(span.to());
                if (next != null
                        && next.isColumn()
                        && next.candidates().stream().anyMatch(m -> m.column().equals(valueColumn))) {
                    used.add(next);
                }
                Span previous = spanAt(span.from() - 1);
                if (previous != null
                        && previous.isColumn()
                        && previous.candidates().stream()
                                .anyMatch(m -> m.column().equals(valueColumn))) {
                    used.add(previous);
                }
            }
            // 5. the metric
            Metric metric = derived;
            String aggregationWord = aggregationWord();
            boolean countCue = hasSequence("how", "many")
                    || hasSequence("number", "of")
                    || has("count", "counts")
                    || hasSequence("#", "of");
            Span countObject = null;
            // "what percentage of customers …" names what is counted, as "how many customers" does
            int shareOf = -1;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if (isWord(i, "percentage", "percent", "share", "proportion", "fraction", "%") && isWord(i + 1, "of")) {
                    Span span = spanAfter(i + 2, 1);
                    if (span != null
                            && span.isColumn()
                            && column(span, ColumnRole.IDENTIFIER, ColumnRole.DIMENSION)
                                            .role()
                                    != ColumnRole.MEASURE) {
                        shareOf = i + 2;
                    }
                }
            }
            if (countCue || shareOf >= 0) {
                int at = shareOf >= 0
                        ? shareOf
                        : hasSequence("how", "many")
                                ? indexOf("many") + 1
                                : hasSequence("number", "of") ? indexOf("number") + 2 : indexOf("count", "counts") + 1;
                if (word(at).equals("of")) {
                    at++;
                }
                Span span = spanAfter(at, 1);
                while (span != null && span.isValue()) {
                    span = spanAfter(span.to(), 0);
                }
                if (span != null && span.isColumn() && !dimensionSpans.contains(span)) {
                    countObject = span;
                } else if (span == null || dimensionSpans.contains(span)) {
                    String noun = nextContentWord(at);
                    if (noun != null
                            && !ROW_NOUNS.contains(Text.stem(noun))
                            && !tableWords(table).contains(Text.stem(noun))
                            && !Set.of("time", "times").contains(noun)) {
                        Span valueSpan = spanAfter(at, 1);
                        if (valueSpan == null || !valueSpan.isValue()) {
                            return new Refused("'" + table.name() + "' has no column matching '" + noun + "'.", table);
                        }
                    }
                }
            }
            List<Span> measureSpans = new ArrayList<>();
            for (Span span : spans) {
                if (span.isColumn() && !used.contains(span) && !dimensionSpans.contains(span) && span != askedSpan) {
                    ColumnInfo column = column(span, ColumnRole.MEASURE);
                    if (column.role() == ColumnRole.MEASURE && !(derived != null && overlapsDerived(span))) {
                        measureSpans.add(span);
                    }
                }
            }
            Span metricSpan = null;
            Token entity = numerics.isEmpty() && columnOperands.isEmpty() ? null : bareRowEntity(table);
            for (Span span : measureSpans) {
                // the rows' own noun is not a measure in a bare phrase with a row condition ("kitchen items
                // priced over 100"), unlike "sales of Luna Tablet"
                if (!filterTargets.contains(span) && !(entity != null && span.from() == entity.index())) {
                    metricSpan = span;
                    break;
                }
            }
            if (metric == null && countObject != null) {
                ColumnInfo column = column(
                        countObject, ColumnRole.IDENTIFIER, ColumnRole.DIMENSION, ColumnRole.TEXT, ColumnRole.MEASURE);
                used.add(countObject);
                if (column.role() == ColumnRole.MEASURE && !isIdLike(column)) {
                    String fn = aggregationWord != null
                                    && !aggregationWord.equals("count_distinct")
                                    && !aggregationWord.equals("count")
                            ? aggregationWord
                            : Metric.additive(column) ? "sum" : "avg";
                    metric = Metric.of(fn, column);
                    plan.notes.add("'" + phrase(countObject) + "' read as the " + (fn.equals("avg") ? "average" : fn)
                            + " of " + column.name() + ".");
                } else if ((isTableNoun(table, countObject)
                                && (column.role() != ColumnRole.DIMENSION || !namesColumn(countObject, column)))
                        || column.role() == ColumnRole.TIME) {
                    // "how many orders", "how many subscriptions" in a subscriptions table even though
                    // 'subscription' is also a synonym of its plan column (a "product" column of a product
                    // sales table is still counted distinct), and "how many signups" (each row's
                    // signup_date is one signup)
                    metric = Metric.rows(phrase(countObject));
                } else {
                    metric = Metric.of("count_distinct", column);
                    metric = new Metric(phrase(countObject), "count_distinct", metric.expr(), Metric.Unit.COUNT);
                    plan.notes.add("Counted distinct values of " + column.name() + ".");
                }
                if (metricSpan == countObject) {
                    metricSpan = null;
                }
            }
            if (metric == null && metricSpan != null) {
                ColumnInfo column = column(metricSpan, ColumnRole.MEASURE);
                used.add(metricSpan);
                ambiguity(metricSpan);
                if (!refusals.isEmpty()) {
                    return new Refused(refusals.getFirst(), table);
                }
                String fn = aggregationWord;
                boolean ranking = askedSpan != null || !dimensionSpans.isEmpty() || askedGrain != null;
                if (fn == null || (ranking && (fn.equals("max") || fn.equals("min")) && !explicitMaxMin())) {
                    fn = Metric.additive(column) ? "sum" : "avg";
                    if (!Metric.additive(column)) {
                        plan.notes.add(
                                column.name() + " looks like a rate or price, so it was averaged rather than summed.");
                    }
                }
                if (fn.equals("count")) {
                    fn = Metric.additive(column) ? "sum" : "avg";
                }
                metric = Metric.of(fn, column);
                if (metricSpan.best().score() < 1.0) {
                    plan.notes.add("'" + phrase(metricSpan) + "' read as column " + column.name() + ".");
                }
            }
            if (metric == null
                    && hasSequence("how", "many")
                    && (has(SELLING_VERBS) || has(PURCHASE_VERBS))
                    && spanAt(indexOf("many") + 1) != null
                    && spanAt(indexOf("many") + 1).isValue()
                    && conceptColumn(table, "quantity") != null) {
                // "how many Luna Tablets did we sell": units, not orders
                ColumnInfo units = conceptColumn(table, "quantity");
                metric = Metric.of("sum", units);
                plan.notes.add("'How many … sold' read as the total of " + units.name() + ".");
            }
            int dateWord = metric == null && !countCue ? askedDateWord() : -1;
            if (dateWord >= 0 && timeColumn(table) != null) {
                // "when was the most recent order", "what was the earliest order date": the date itself
                ColumnInfo time = timeColumn(table);
                boolean earliest = isWord(dateWord, "first", "earliest", "oldest");
                metric = Metric.of(earliest ? "min" : "max", time);
            }
            if (metric == null
                    && !countCue
                    && rangeAsked()
                    && has("date", "dates", "period", "time", "timeframe")
                    && timeColumn(table) != null) {
                // "the date range of the sales data": both ends of the time column
                metric = Metric.of("min", timeColumn(table));
            }
            if (metric == null && !countCue && customerSpending() && defaultMeasure(table) != null) {
                // "who spent the most on Nova Cameras": what buyers spend is the table's money measure;
                // "which campaigns spent more than 100,000": a table's own spend column
                ColumnInfo money = spentColumn(table);
                metric = Metric.total(money);
                plan.notes.add("'" + (has("spent") ? "spent" : "paid") + "' read as " + money.name() + ".");
            }
            if (metric == null && (countCue || has("busiest", "quietest"))) {
                // "how many …"; "our busiest month": busy with the most rows (orders, signups …)
                metric = Metric.rows(tableNoun(table));
            }
            if (metric == null) {
                // "signups in 2025 vs 2024": an event named by its date column (signup_date) is counted
                for (Span span : spans) {
                    if (span.isColumn()
                            && column(span, ColumnRole.TIME).role() == ColumnRole.TIME
                            && !isWord(span.from(), "date", "dates", "time", "day", "days", "week", "month", "year")
                            && !tokens.get(span.from())
                                    .text()
                                    .equals(tokens.get(span.from()).stem())) {
                        metric = Metric.rows(word(span.from()));
                        break;
                    }
                }
            }
            if (metric == null && valueRateAt() > 0) {
                // "churn rate": the share of rows with the value, so rows are what is measured
                metric = Metric.rows(tableNoun(table));
            }
            if (metric == null
                    && !countCue
                    && has(SELLING_VERBS)
                    && has("most", "least")
                    && defaultMeasure(table) != null) {
                // "which product sold the most": what was sold, measured like "best selling"
                ColumnInfo column = defaultMeasure(table);
                metric = Metric.total(column);
                plan.notes.add("'" + (has("sold") ? "sold" : "sells") + " the " + (has("most") ? "most" : "least")
                        + "' read as the " + metric.aggregation()
                        + " of " + column.name() + ", the main measure of '" + table.name() + "'.");
            }
            if (metric == null
                    && has("biggest", "largest", "top", "best", "leading", "smallest", "worst", "bottom")
                    && defaultMeasure(table) != null
                    && !has("most", "least", "fewest")) {
                ColumnInfo column = defaultMeasure(table);
                metric = Metric.total(column);
                plan.notes.add("Ranked by " + metric.aggregation() + " of " + column.name() + ", the main measure of '"
                        + table.name() + "'.");
            }
            if (metric == null && !countCue()) {
                // "the top 5 most expensive kitchen products": ranked by price, not a count of products
                metric = expensive(table);
            }
            if (metric == null) {
                for (Span span : spans) {
                    if (!used.contains(span)
                            && span != askedSpan
                            && !dimensionSpans.contains(span)
                            && span.isColumn()
                            && isTableNoun(table, span)) {
                        metric = Metric.rows(phrase(span));
                        used.add(span);
                        break;
                    }
                }
            }
            if (metric == null) {
                // "the most customers": count the entity named after most/fewest
                for (Span span : spans) {
                    if (span.isColumn()
                            && !used.contains(span)
                            && span != askedSpan
                            && !dimensionSpans.contains(span)
                            && isWord(span.from() - 1, "most", "fewest", "least")) {
                        ColumnInfo column = column(span, ColumnRole.IDENTIFIER, ColumnRole.DIMENSION, ColumnRole.TEXT);
                        if (column.role() != ColumnRole.MEASURE && column.role() != ColumnRole.TIME) {
                            metric = new Metric(
                                    phrase(span),
                                    "count_distinct",
                                    new Metric.Agg("count_distinct", column),
                                    Metric.Unit.COUNT);
                            used.add(span);
                            break;
                        }
                    }
                }
            }
            if (metric == null && hasSequence("how", "much") && defaultMeasure(table) != null) {
                ColumnInfo column = defaultMeasure(table);
                metric = Metric.total(column);
                plan.notes.add("'How much' read as the " + metric.aggregation() + " of " + column.name() + ".");
            }
            if (metric == null && aggregationWord != null && aggregationWord.equals("count")) {
                metric = Metric.rows(tableNoun(table));
            }
            if (metric == null) {
                metric = expensive(table);
            }
            if (metric == null
                    && !measureSpans.isEmpty()
                    && yesNo
                    && !isExistence()
                    && dimensionSpans.isEmpty()
                    && askedSpan == null
                    && !numericColumns.isEmpty()) {
                // "was Q3 2025 revenue above 1.5 million": the total is compared, not each order
                ColumnInfo column = column(measureSpans.getFirst(), ColumnRole.MEASURE);
                if (column.role() == ColumnRole.MEASURE) {
                    metric = Metric.total(column);
                }
            }
            if (metric == null && !measureSpans.isEmpty()) {
                // only a filter target was named ("orders over 1000"): count the rows it filters
                metric = Metric.rows(entity != null ? entity.text() : tableNoun(table));
            }
            // 6. numeric filters now that the metric is known
            for (Map.Entry<Numeric, ColumnInfo> entry : numericColumns.entrySet()) {
                Numeric numeric = entry.getKey();
                ColumnInfo column = entry.getValue();
                boolean explicit = column != null;
                Metric perGroup = !yesNo && dimensionSpans.isEmpty() && askedSpan == null
                        ? perGroupMetric(table, metric, numeric, column)
                        : null;
                if (perGroup != null) {
                    // "how many customers placed more than 5 orders", "how many customers spent over
                    // 10,000": the customers whose own count (or total) passes, counted — not a
                    // comparison of the customer column with a number
                    plan.countedGroups = metric;
                    plan.dimensions.add(((Metric.Agg) metric.expr()).column());
                    metric = perGroup;
                    plan.having.add(new Condition(
                            perGroup.columns().isEmpty()
                                    ? identifierColumn(table)
                                    : perGroup.columns().getFirst(),
                            numeric.op(),
                            List.copyOf(numeric.numbers())));
                    plan.notes.add("'" + numericText(numeric) + "' was applied to each of the "
                            + plan.countedGroups.name() + "' "
                            + (perGroup.columns().isEmpty()
                                    ? "number of " + perGroup.name()
                                    : "total " + perGroup.name())
                            + ".");
                    continue;
                }
                if (column == null
                        && (metric == null || metric.expr() instanceof Metric.CountRows)
                        && (!dimensionSpans.isEmpty() || askedSpan != null)
                        && (!yesNo || anyGroup != null)
                        && namesRows(table, numeric.to())) {
                    // "which countries had more than 200 orders", "did any region have over 2000 orders":
                    // each group's count of rows (a group condition applies to the metric; its column
                    // only says which rows are counted, and a table without a key leaves it empty)
                    if (metric == null) {
                        metric = Metric.rows(word(numeric.to()));
                    }
                    plan.having.add(
                            new Condition(identifierColumn(table), numeric.op(), List.copyOf(numeric.numbers())));
                    plan.notes.add("'" + numericText(numeric) + " " + word(numeric.to()) + "' was applied to each"
                            + " group's number of " + metric.name() + ".");
                    continue;
                }
                if (column == null) {
                    // a number is compared with a measure, never with a counted name ("how many customers
                    // had an order over 5,000": the order's revenue)
                    column = metric != null
                                    && !metric.columns().isEmpty()
                                    && metric.columns().getFirst().role() == ColumnRole.MEASURE
                            ? metric.columns().getFirst()
                            : defaultMeasure(table);
                    if (column == null) {
                        return new Refused(
                                "The question compares with "
                                        + numeric.numbers().getFirst() + " but '" + table.name()
                                        + "' has no numeric column to compare.",
                                table);
                    }
                    plan.notes.add(
                            "The condition '" + numericText(numeric) + "' was applied to " + column.name() + ".");
                }
                List<Object> values = new ArrayList<>(numeric.numbers());
                if (numeric.percent()
                        && column.max() != null
                        && parseDouble(column.max()) != null
                        && parseDouble(column.max()) <= 1.0) {
                    values = numeric.numbers().stream()
                            .map(v -> (Object) (v / 100.0))
                            .toList();
                }
                Condition condition = new Condition(column, numeric.op(), values);
                boolean grouped = !dimensionSpans.isEmpty() || askedSpan != null;
                // a row count stood in only because the measure was a filter target ("orders over 1000")
                boolean countStandIn =
                        metric != null && metric.expr() instanceof Metric.CountRows && !countCue() && explicit;
                if ((metric == null || countStandIn || (anyGroup != null && metric.expr() instanceof Metric.CountRows))
                        && grouped
                        && (!yesNo || anyGroup != null)
                        && Metric.additive(column)
                        && (askedSpan == null || !perRow(table, askedSpan))) {
                    // "which customers spent more than $100,000": each customer's total, not single orders
                    metric = Metric.of("sum", column);
                }
                boolean onMetric =
                        metric != null && metric.columns().contains(column) && metric.expr() instanceof Metric.Agg;
                if (yesNo && !grouped && !isExistence()) {
                    plan.comparator = numeric.op();
                    plan.threshold = numeric.numbers().getFirst();
                    thresholdInPercent = numeric.percent();
                } else if (grouped && onMetric) {
                    plan.having.add(condition);
                    plan.notes.add("'" + numericText(numeric) + "' was applied to each group's " + metric.aggregation()
                            + " of " + column.name() + ".");
                } else {
                    plan.filters.add(condition);
                }
            }
            // 7. dimensions
            for (Span span : dimensionSpans) {
                ColumnInfo column = displayColumn(
                        table, column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER, ColumnRole.TEXT));
                if (!plan.dimensions.contains(column)) {
                    // "by platform with each platform's share": one grouping named twice
                    plan.dimensions.add(column);
                }
                used.add(span);
            }
            if (askedSpan != null && plan.dimensions.isEmpty()) {
                ColumnInfo column = column(askedSpan, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER, ColumnRole.TEXT);
                plan.dimensions.add(displayColumn(table, column));
                used.add(askedSpan);
            } else if (askedSpan != null) {
                used.add(askedSpan);
            }
            if (plan.dimensions.isEmpty()
                    && isWord(start, "what", "whats")
                    && SELLING_VERBS.contains(word(start + 1))) {
                // "what sold the most last quarter": the thing sold, the table's product column
                table.columns().stream()
                        .filter(c -> c.role() == ColumnRole.DIMENSION
                                && Text.words(c.name()).stream()
                                        .map(Text::stem)
                                        .anyMatch(Set.of("product", "item", "sku")::contains))
                        .findFirst()
                        .ifPresent(sold -> {
                            whatSold = true;
                            plan.dimensions.add(sold);
                            plan.notes.add("'what " + word(start + 1) + "' read as the " + sold.name() + " sold.");
                        });
            }
            for (Map.Entry<ColumnInfo, List<Object>> entry : equal.entrySet()) {
                plan.filters.add(
                        new Condition(entry.getKey(), entry.getValue().size() == 1 ? Op.EQ : Op.IN, entry.getValue()));
            }
            for (Map.Entry<ColumnInfo, List<Object>> entry : notEqual.entrySet()) {
                for (Object value : entry.getValue()) {
                    plan.filters.add(new Condition(entry.getKey(), Op.NE, List.of(value)));
                }
            }
            // 8. time
            Outcome timeOutcome = applyTime(table, timeGroup);
            if (timeOutcome != null) {
                return timeOutcome;
            }
            // 9. intent
            return decide(table, metric, askedSpan, valueMentions, yesNo, listIndex);
        }

        /**
         * "sales channels": a measure word right before a column word qualifies it; the latter is the
         * head, and the qualifier is not read as the metric.
         */
        private Span headNoun(Span span) {
            if (span == null || !span.isColumn()) {
                return span;
            }
            Span next = spanAt(span.to());
            if (next != null
                    && next.isColumn()
                    && !word(next.from()).endsWith("ed")
                    && !next.best().column().equals(span.best().column())
                    && column(next, ColumnRole.DIMENSION, ColumnRole.TEXT).role() == ColumnRole.DIMENSION
                    && column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER).role() != ColumnRole.MEASURE) {
                // "the product categories": of two adjacent column nouns the last is the head
                used.add(span);
                return next;
            }
            if (column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER).role() == ColumnRole.MEASURE
                    && next != null
                    && next.isColumn()
                    && column(next, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER, ColumnRole.TEXT)
                                    .role()
                            != ColumnRole.MEASURE) {
                used.add(span);
                return next;
            }
            return span;
        }

        /**
         * "What is the price of our most expensive product?", "how much revenue did our biggest
         * customer bring": the measure comes first and the ranked entity after it, so the value is asked.
         */
        private boolean valueOfLeaderAsked(Span askedSpan) {
            int at;
            if (isWord(start, "what")) {
                at = start + 1;
                while (isWord(at, "is", "was", "are", "were", "the", "our", "its")) {
                    at++;
                }
            } else if (isWord(start, "how") && isWord(start + 1, "much")) {
                at = start + 2;
            } else {
                return false;
            }
            Span measure = spanAt(at);
            return measure != null
                    && measure.isColumn()
                    && column(measure, ColumnRole.MEASURE).role() == ColumnRole.MEASURE
                    && isWord(measure.to(), "of", "for", "did", "does", "do")
                    && askedSpan.from() > measure.from();
        }

        /** The measure column a comparison at {@code from} is about: "orders with revenue over …". */
        private Span measureBefore(int from) {
            for (int back = from - 1; back >= Math.max(0, from - 4); back--) {
                Span span = spanAt(back);
                if (span != null
                        && span.isColumn()
                        && column(span, ColumnRole.MEASURE).role() == ColumnRole.MEASURE) {
                    return span;
                }
                if (span != null
                        || !Set.of(
                                        "with", "of", "whose", "where", "is", "was", "were", "are", "had", "has",
                                        "have", "a", "an", "the", "total", "that", "which", "their", "in")
                                .contains(word(back))) {
                    return null;
                }
            }
            return null;
        }

        /**
         * The date column asked for about one named entity ("when did Swiftclearly sign up", "what is
         * the signup date of Swiftclearly"): a "when" or a date word, no measure, and only equality
         * filters, one of them on a name or identifier. The column is the one the question names
         * ("sign up" → signup_date), else the table's only date column; null when none applies.
         */
        private ColumnInfo dateOfOneEntity(TableSchema table, Metric metric) {
            boolean dateAsked = has("when")
                    || tokens.stream()
                            .anyMatch(t -> isWord(t.index(), "date")
                                    && (isWord(t.index() - 1, "what", "which") || spanAt(t.index()) != null));
            if (!dateAsked
                    || (metric != null && !(metric.expr() instanceof Metric.CountRows))
                    || !plan.dimensions.isEmpty()
                    || plan.filters.isEmpty()
                    || plan.window != null
                    || plan.filters.stream().anyMatch(f -> f.op() != Op.EQ)
                    || plan.filters.stream()
                            .noneMatch(f -> f.column().role() == ColumnRole.IDENTIFIER
                                    || f.column().role() == ColumnRole.TEXT)) {
                return null;
            }
            for (Span span : spans) {
                if (span.isColumn() && span.best().column().role() == ColumnRole.TIME) {
                    return span.best().column();
                }
            }
            List<ColumnInfo> dates = table.columns().stream()
                    .filter(c -> c.role() == ColumnRole.TIME)
                    .toList();
            return dates.size() == 1 ? dates.getFirst() : null;
        }

        /**
         * A code such as "SO-10005" (tokenised as the word "so" and the number 10005) whose shape,
         * letters, separator and digits, is the shape of both the smallest and the largest value of
         * one identifier or text column of {@code table}: that column and the code written as the
         * column writes it. Null otherwise.
         */
        private Map.Entry<ColumnInfo, String> codeAt(TableSchema table, int i) {
            Token letters = tokens.get(i);
            Token digits = tokens.get(i + 1);
            if (consumed[i]
                    || consumed[i + 1]
                    || letters.kind() != Kind.WORD
                    || digits.kind() != Kind.NUMBER
                    || !letters.text().matches("\\p{L}{1,8}")
                    || !digits.text().matches("\\d{2,}")) {
                return null;
            }
            Pattern shape = Pattern.compile("(?i)(" + Pattern.quote(letters.text()) + ")([-_#/ ]?)\\d{2,}");
            for (ColumnInfo column : table.columns()) {
                if ((column.role() != ColumnRole.IDENTIFIER && column.role() != ColumnRole.TEXT)
                        || column.min() == null
                        || column.max() == null) {
                    continue;
                }
                Matcher low = shape.matcher(column.min());
                Matcher high = shape.matcher(column.max());
                if (low.matches() && high.matches() && low.group(2).equals(high.group(2))) {
                    return Map.entry(column, low.group(1) + low.group(2) + digits.text());
                }
            }
            return null;
        }

        /** Whether the word at {@code i} names the table's rows ("orders", "records"). */
        private boolean namesRows(TableSchema table, int i) {
            if (i >= tokens.size()) {
                return false;
            }
            String stem = tokens.get(i).stem();
            Span span = spanAt(i);
            return ROW_NOUNS.contains(stem)
                    || tableWords(table).contains(stem)
                    || stem.equals(Text.stem(tableNoun(table)))
                    || (span != null && span.isColumn() && perRow(table, span));
        }

        /** "the biggest order" (one row, singular, right after the superlative): that row's own value. */
        private boolean superlativeOfOneRow(TableSchema table) {
            String noun = Text.stem(tableNoun(table));
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if (superlative(word(i)) && word(i + 1).equals(noun)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * For "how many customers placed more than 5 orders": what each counted value's own condition
         * is about — its number of rows when the number is followed by the rows' noun, its total of the
         * summable measure named ("products that sold more than 500 units"), else what it spent — when
         * {@code counted} counts distinct values of a column that is not the table's key (a customer
         * has many orders). Null otherwise.
         */
        private Metric perGroupMetric(TableSchema table, Metric counted, Numeric numeric, ColumnInfo named) {
            if (counted == null
                    || !(counted.expr() instanceof Metric.Agg agg)
                    || !agg.fn().equals("count_distinct")
                    || isKey(table, agg.column())
                    || !plan.having.isEmpty()) {
                return null;
            }
            if (named != null) {
                return Metric.additive(named)
                                && (has(SELLING_VERBS) || customerSpending() || hasSequence("in", "total"))
                        ? Metric.total(named)
                        : null;
            }
            if (namesRows(table, numeric.to())) {
                return Metric.rows(word(numeric.to()));
            }
            if (customerSpending() && defaultMeasure(table) != null) {
                return Metric.total(spentColumn(table));
            }
            return null;
        }

        /** What "spent" / "paid" reads: a table's own spend column, else its main money measure. */
        private ColumnInfo spentColumn(TableSchema table) {
            return has("spent") && conceptColumn(table, "spend") != null
                    ? conceptColumn(table, "spend")
                    : defaultMeasure(table);
        }

        /** Whether the span names the table's row entity (a unique key or the table's own noun). */
        private boolean perRow(TableSchema table, Span span) {
            if (isTableNoun(table, span)) {
                return true;
            }
            ColumnInfo column = column(span, ColumnRole.IDENTIFIER, ColumnRole.DIMENSION);
            return column != null && isKey(table, column);
        }

        /**
         * "avg mrr per seat", "revenue per unit": a summable measure after "per", named by its own name,
         * its head word or a synonym (not by a typo or a minor part of a longer name).
         */
        private boolean perMeasure(Span span) {
            if (span.best().score() < 0.7) {
                return false;
            }
            ColumnInfo column = column(span, ColumnRole.MEASURE);
            return column != null && column.role() == ColumnRole.MEASURE && Metric.additive(column);
        }

        /**
         * "average revenue per customer (by region)": an average word and a column of many values (a
         * breakdown over dozens of customers is not what is asked; "average seats per plan" over three
         * plans still is one).
         */
        private boolean perEntity(Span span) {
            // "what was our revenue per customer": one number asked of a singular "per", like an average
            boolean oneNumber = isWord(start, "what", "whats")
                    && isWord(start + 1, "is", "was", "s")
                    && isSingular(span)
                    && !has("each", "every", "show", "list", "breakdown", "break", "split");
            if (!has("average", "avg", "mean", "typical") && !oneNumber) {
                return false;
            }
            ColumnInfo column = column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER);
            return (column.role() == ColumnRole.DIMENSION || column.role() == ColumnRole.IDENTIFIER)
                    && column.distinctCount() > PER_ENTITY_MIN_VALUES;
        }

        private boolean overlapsDerived(Span span) {
            return derivedSpan != null && span.from() < derivedSpan[1] && span.to() > derivedSpan[0];
        }

        private boolean explicitMaxMin() {
            return has("maximum", "minimum", "max", "min")
                    || hasSequence("single", "largest")
                    || hasSequence("single", "biggest");
        }

        private boolean isExistence() {
            return has("any", "there") || hasSequence("at", "least", "one");
        }

        private boolean isTableNoun(TableSchema table, Span span) {
            for (int i = span.from(); i < span.to(); i++) {
                String stem = tokens.get(i).stem();
                if (tableWords(table).contains(stem) || ROW_NOUNS.contains(stem)) {
                    return true;
                }
            }
            return false;
        }

        /** Words that ask for a date's end: "the earliest order date", "when was the most recent order". */
        private static final String[] DATE_WORDS = {"first", "earliest", "oldest", "latest", "last", "newest", "recent"
        };

        /**
         * Where "first / earliest / latest / last / …" stands when the question asks for a date ("when
         * was the most recent order", "what was the earliest order date"), else -1. A word taken by a
         * time phrase ("last month") does not count.
         */
        private int askedDateWord() {
            boolean asksDate = word(start).equals("when")
                    || spans.stream()
                            .anyMatch(span -> span.isColumn()
                                    && column(span, ColumnRole.TIME).role() == ColumnRole.TIME);
            for (int i = 0; asksDate && i < tokens.size(); i++) {
                if (!consumed[i] && isWord(i, DATE_WORDS)) {
                    return i;
                }
            }
            return -1;
        }

        /** Whether the span says a word of the column's own name, not only one of its synonyms. */
        private boolean namesColumn(Span span, ColumnInfo column) {
            Set<String> name = new HashSet<>();
            for (String w : Text.words(column.name())) {
                name.add(Text.stem(w));
            }
            for (int i = span.from(); i < span.to(); i++) {
                if (name.contains(tokens.get(i).stem())) {
                    return true;
                }
            }
            return false;
        }

        private String nextContentWord(int from) {
            for (int i = from; i < tokens.size() && i < from + 3; i++) {
                if (consumed[i] || tokens.get(i).kind() != Kind.WORD) {
                    continue;
                }
                String w = word(i);
                if (spanAt(i) != null) {
                    return null;
                }
                if (!STOP_WORDS.contains(w)) {
                    return w;
                }
            }
            return null;
        }

        private void ambiguity(Span span) {
            if (span.best().score() >= 1.0) {
                return;
            }
            double top = span.best().score();
            List<ColumnInfo> tiedMeasures = span.candidates().stream()
                    .filter(m -> m.kind() == MatchKind.COLUMN
                            && m.score() >= top - 1e-9
                            && m.column().role() == ColumnRole.MEASURE)
                    .map(Mention::column)
                    .distinct()
                    .toList();
            if (tiedMeasures.size() > 1) {
                refusals.add("'" + phrase(span) + "' is ambiguous in '" + plan.table.name() + "': it could mean "
                        + String.join(
                                " or ",
                                tiedMeasures.stream().map(ColumnInfo::name).toList())
                        + ". Ask again naming one of them.");
            }
        }

        private int listCue() {
            for (int i = 0; i < tokens.size(); i++) {
                String w = word(i);
                if (w.equals("list") || w.equals("name") || w.equals("enumerate")) {
                    return i + 1;
                }
                if ((w.equals("show") || w.equals("give"))
                        && isWord(i + 1, "me", "all", "the")
                        && !countCue()
                        && !isWord(isWord(i + 2, "the", "a") ? i + 3 : i + 2, NOT_LISTED)) {
                    // "show me the customers" lists; "show the number of / the weekly / the total …" does not
                    return i + 1;
                }
                if (w.equals("what") && isWord(i + 1, "are") && isWord(i + 2, "the", "all", "our")) {
                    return i + 3;
                }
                if (w.equals("which")
                        && !has(
                                "highest",
                                "most",
                                "largest",
                                "biggest",
                                "best",
                                "top",
                                "lowest",
                                "least",
                                "smallest",
                                "worst",
                                "bottom",
                                "fewest",
                                "cheapest",
                                "expensive")) {
                    return i + 1;
                }
            }
            return -1;
        }

        /**
         * The aggregation a word asks for. An explicit one wins over a superlative wherever it stands:
         * "the highest average revenue" ranks by the average.
         */
        private String aggregationWord() {
            String superlative = null;
            for (int i = 0; i < tokens.size(); i++) {
                if (consumed[i]) {
                    continue;
                }
                switch (word(i)) {
                    case "average", "avg", "mean", "typical", "averaged" -> {
                        return "avg";
                    }
                    case "median" -> {
                        return "median";
                    }
                    case "maximum", "max", "highest", "largest", "biggest", "peak", "greatest", "most" -> {
                        if (superlative == null
                                && (!word(i).equals("most") || !isWord(i + 1, "expensive", "popular", "common"))) {
                            superlative = "max";
                        }
                    }
                    case "minimum", "min", "lowest", "smallest", "least", "cheapest" -> {
                        if (superlative == null) {
                            superlative = "min";
                        }
                    }
                    case "total", "sum", "overall", "combined", "cumulative", "aggregate" -> {
                        return "sum";
                    }
                    case "unique", "distinct" -> {
                        return "count_distinct";
                    }
                    default -> {}
                }
            }
            return superlative;
        }

        private int[] derivedSpan;

        /** Ratios named in the question, built from the columns present (issue 6 §1). */
        private Metric derivedMetric() {
            TableSchema table = plan.table;
            for (Derived candidate : DERIVED) {
                for (String phrase : candidate.phrases()) {
                    List<String> words = Text.words(phrase);
                    int at = phraseAt(phrase);
                    int lastWord = at + words.size() - 1;
                    if (at < 0 && words.contains("of")) {
                        // "the value of our Garden inventory": values may stand before the last word
                        at = phraseAt(String.join(" ", words.subList(0, words.size() - 1)));
                        lastWord = -1;
                        for (int gap = 1; at >= 0 && gap <= 3 && lastWord < 0; gap++) {
                            int end = at + words.size() - 1 + gap;
                            boolean free = end < tokens.size();
                            for (int k = at + words.size() - 1; free && k < end; k++) {
                                free = !consumed[k]
                                        && spanAt(k) != null
                                        && spanAt(k).isValue();
                            }
                            if (free && !consumed[end] && tokens.get(end).stem().equals(Text.stem(words.getLast()))) {
                                lastWord = end;
                            }
                        }
                        if (lastWord < 0) {
                            at = -1;
                        }
                    }
                    if (at < 0 || (measureAt(lastWord + 1) && !asides.containsKey(lastWord + 1))) {
                        // "average order quantity": the phrase is only the start of a measure's name (not
                        // "inventory value (price times stock)", where an aside explains the phrase)
                        continue;
                    }
                    Map<Integer, String> slips = new LinkedHashMap<>();
                    for (int k = 0; k < words.size(); k++) {
                        int index = k == words.size() - 1 ? lastWord : at + k;
                        if (!word(index).equals(words.get(k))
                                && !tokens.get(index).stem().equals(Text.stem(words.get(k)))) {
                            slips.put(index, words.get(k));
                        }
                    }
                    if (slips.keySet().stream()
                            .anyMatch(k -> spanAt(k) != null && spanAt(k).isValue())) {
                        // "revenue of Profix": a value of the data, not a slip of "profit"
                        continue;
                    }
                    // a real column with that name wins over deriving it
                    boolean column = table.columns().stream()
                            .anyMatch(c -> Lexicon.stemPhrase(c.name().replace('_', ' '))
                                    .equals(Lexicon.stemPhrase(phrase)));
                    if (column) {
                        return null;
                    }
                    Metric metric = buildDerived(candidate.kind(), candidate.name(), table);
                    if (metric == null) {
                        refusals.add("'" + table.name() + "' has no columns to compute " + candidate.name() + " from ("
                                + needs(candidate.kind()) + ").");
                        return null;
                    }
                    int length = words.size();
                    derivedSpan = new int[] {at, at + length};
                    consume(at, at + length - 1);
                    consume(lastWord, lastWord + 1);
                    if (asides.containsKey(lastWord + 1)) {
                        // "conversion rate (conversions per click)": the aside only explains the phrase
                        consume(lastWord + 1, asides.get(lastWord + 1));
                    }
                    // "the best conversion rate in 2025 (conversions per click)": further on, an aside
                    // naming only the metric's own columns explains it too
                    asides.forEach((from, to) -> {
                        if (from < tokens.size() && !consumed[from] && explains(from, to, metric)) {
                            consume(from, to);
                        }
                    });
                    slips.forEach((k, meant) -> plan.notes.add("Read '" + word(k) + "' as '" + meant + "'."));
                    plan.notes.add(candidate.name() + " computed as " + formula(metric) + ".");
                    return metric;
                }
            }
            return null;
        }

        private static String needs(String kind) {
            return switch (kind) {
                case "margin", "profit" -> "it needs revenue and cost";
                case "ctr" -> "it needs clicks and impressions";
                case "cpc" -> "it needs spend and clicks";
                case "cpa" -> "it needs spend and conversions";
                case "cvr" -> "it needs conversions and clicks";
                case "aov" -> "it needs a revenue column";
                case "roas" -> "it needs revenue and spend";
                case "arr" -> "it needs a monthly recurring revenue (MRR) column";
                case "inventory_value" -> "it needs a price and a stock quantity";
                default -> "it needs spend and impressions";
            };
        }

        private String formula(Metric metric) {
            return metric.expr()
                    .sql(c -> c.name())
                    .replace("CAST(", "")
                    .replace(" AS DOUBLE)", "")
                    .replace("NULLIF(", "(")
                    .replace(", 0)", ")");
        }

        private Outcome applyTime(TableSchema table, boolean timeGroup) {
            boolean needsTime = !timePhrases.isEmpty()
                    || grain != null
                    || trendCue
                    || overUnit != null
                    || timeGroup
                    || askedGrain != null;
            if (!needsTime) {
                return null;
            }
            if (plan.timeColumn == null) {
                plan.timeColumn = timeColumn(table);
            }
            if (plan.timeColumn == null) {
                return new Refused(
                        "'" + table.name() + "' has no date column, so the question's time period cannot be applied.",
                        table);
            }
            if (timeGroup && grain == null) {
                grain = Grain.DAY;
            }
            LocalDate dataStart = parseDate(plan.timeColumn.min());
            LocalDate dataEnd = parseDate(plan.timeColumn.max());
            List<TimePhrases.Found> phrases = new ArrayList<>(timePhrases);
            boolean changeCue = has(RISE)
                    || has(FALL)
                    || has(
                            "growth",
                            "change",
                            "changed",
                            "changes",
                            "difference",
                            "differ",
                            "compare",
                            "compared",
                            "evolve",
                            "evolved");
            phrases = inEachYear(phrases);
            if (changeCue
                    && phrases.size() == 1
                    && phrases.getFirst().parts().size() == 2
                    && grain == null
                    && !trendCue) {
                // "growth from 2024 to 2025": the later period against the earlier one
                TimePhrases.Found joined = phrases.getFirst();
                phrases = List.of(joined.parts().get(1), joined.parts().get(0));
                plan.notes.add("Read as a comparison of the two periods, the later one first.");
            }
            List<Window> windows = new ArrayList<>();
            for (TimePhrases.Found found : phrases) {
                Window window = found.resolve().apply(today);
                if (found.relative()
                        && dataStart != null
                        && dataEnd != null
                        && !window.overlaps(dataStart, dataEnd)
                        && !today.equals(dataEnd)) {
                    Window reread = found.resolve().apply(dataEnd);
                    plan.notes.add("There is no data for " + describe(window) + " counted from today (" + today
                            + "); the phrase was read against the latest date in the data (" + dataEnd + ") instead"
                            + (reread.reading() != null ? ": " + reread.reading() : ", as " + reread.label()) + ".");
                    window = reread;
                } else if (window.reading() != null && (windows.isEmpty() || !periodBefore(found, window))) {
                    plan.notes.add(capitalize(window.reading()) + ".");
                }
                windows.add(window);
            }
            if (!windows.isEmpty()) {
                plan.window = windows.getFirst();
            }
            if (windows.size() == 2
                    && (grain != null || trendCue)
                    && isWord(phrases.get(0).to(), "and")
                    && phrases.get(1).from() - phrases.get(0).to() <= 2
                    && windows.get(0).unit() == windows.get(1).unit()
                    && windows.get(0).end().isBefore(windows.get(1).start())
                    && (grain == null
                            || unitRank(windows.get(0).unit()) > unitRank(Window.Unit.valueOf(grain.name())))) {
                // "quarterly revenue for 2024 and 2025": one trend across both, not two totals
                Window first = windows.get(0);
                Window last = windows.get(1);
                plan.window = new Window(
                        first.start(), last.end(), first.label() + " to " + last.label(), Window.Unit.RANGE, null);
                plan.notes.add("Read as one trend from " + first.label() + " to " + last.label() + ".");
            } else if (windows.size() >= 2) {
                Window first = windows.get(0);
                Window second = windows.get(1);
                TimePhrases.Found later = phrases.get(1);
                if (periodBefore(later, second)) {
                    // "Q3 2025 vs the prior quarter", "last month with the previous month": the
                    // period before the first one named, not before today
                    second = first.shiftBack(second.unit());
                    plan.notes.add("'" + phrase(later.from(), later.to()) + "' read as " + second.label()
                            + ", the " + second.unit().name().toLowerCase(java.util.Locale.ROOT) + " before "
                            + first.label() + ".");
                } else if (unitRank(second.unit()) > unitRank(first.unit())
                        && phrases.get(1).relative()) {
                    // "Q2 2025 vs last year": the same quarter a year earlier
                    second = first.shiftBack(second.unit());
                    plan.notes.add("Compared with the same period one "
                            + second.unit().name().toLowerCase(java.util.Locale.ROOT) + " earlier, " + second.label()
                            + ".");
                }
                if (isWord(phrases.get(0).to(), "and")
                        && !phrases.get(0).relative()
                        && !phrases.get(1).relative()
                        && first.end().isBefore(second.start())) {
                    // "revenue for 2024 and 2025": the change runs from the earlier to the later
                    plan.window = second;
                    second = first;
                    plan.notes.add("Read as a comparison of the two periods, the later one first.");
                }
                // "in 2025 2025": the same period twice is one period, not a comparison
                plan.compareWindow = second.equals(plan.window) ? null : second;
            }
            if (overUnit != null) {
                Window current = plan.window;
                if (current == null || unitRank(current.unit()) < unitRank(overUnit)) {
                    Window base = TimePhrases.calendar(today, overUnit, 1);
                    if (dataEnd != null && !base.overlaps(dataStart, dataEnd)) {
                        base = TimePhrases.calendar(
                                dataEnd,
                                overUnit,
                                dataEnd.equals(TimePhrases.calendar(dataEnd, overUnit, 0)
                                                .end())
                                        ? 0
                                        : 1);
                        plan.notes.add("Compared the latest complete "
                                + overUnit.name().toLowerCase(java.util.Locale.ROOT) + " in the data (" + base.label()
                                + ") with the one before.");
                    } else {
                        plan.notes.add(
                                "Compared the last complete " + overUnit.name().toLowerCase(java.util.Locale.ROOT)
                                        + " (" + base.label() + ") with the one before.");
                    }
                    current = current == null ? base : current;
                    plan.window = current;
                    plan.compareWindow = current.shiftBack(overUnit);
                } else if (unitRank(current.unit()) > unitRank(overUnit) || current.unit() == Window.Unit.RANGE) {
                    // "month over month in 2025": a monthly trend of the window with changes
                    grain = switch (overUnit) {
                        case DAY -> Grain.DAY;
                        case WEEK -> Grain.WEEK;
                        case MONTH -> Grain.MONTH;
                        case QUARTER -> Grain.QUARTER;
                        default -> Grain.YEAR;
                    };
                    overUnit = null;
                } else {
                    plan.compareWindow = current.shiftBack(overUnit);
                }
            }
            return null;
        }

        /**
         * "Q4 revenue in 2024", "Q4 revenue 2025 vs 2024", "how did December revenue grow from 2024
         * to 2025": a month, quarter or half named without a year is taken in each year the question
         * names (a range of years is read later first), instead of its latest occurrence beside whole
         * years.
         */
        private List<TimePhrases.Found> inEachYear(List<TimePhrases.Found> phrases) {
            List<TimePhrases.Found> bare = phrases.stream()
                    .filter(f -> f.relative()
                            && f.to() - f.from() == 1
                            && Set.of(Window.Unit.MONTH, Window.Unit.QUARTER, Window.Unit.HALF)
                                    .contains(f.resolve().apply(today).unit()))
                    .toList();
            if (bare.size() != 1) {
                return phrases;
            }
            List<TimePhrases.Found> years = new ArrayList<>();
            for (TimePhrases.Found found : phrases) {
                if (found != bare.getFirst()) {
                    years.addAll(
                            found.parts().isEmpty()
                                    ? List.of(found)
                                    : found.parts().reversed());
                }
            }
            if (years.isEmpty()
                    || years.stream()
                            .anyMatch(f ->
                                    f.relative() || f.resolve().apply(today).unit() != Window.Unit.YEAR)) {
                return phrases;
            }
            Window period = bare.getFirst().resolve().apply(today);
            List<TimePhrases.Found> each = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (TimePhrases.Found year : years) {
                int offset = year.resolve().apply(today).start().getYear()
                        - period.start().getYear();
                Window inYear = TimePhrases.labelled(
                        period.start().plusYears(offset),
                        period.end().plusDays(1).plusYears(offset).minusDays(1),
                        period.unit(),
                        null);
                each.add(new TimePhrases.Found(year.from(), year.to(), false, ignored -> inYear));
                labels.add(inYear.label());
            }
            plan.notes.add("'" + phrase(bare.getFirst().from(), bare.getFirst().to()) + "' read in "
                    + (years.size() == 1 ? "the year named: " : "each year named: ") + String.join(" and ", labels)
                    + ".");
            return each;
        }

        /** Where "rate" ("%", "percentage") follows a value ("churn rate"), else -1. */
        private int valueRateAt() {
            int rate = indexOf(RATE_WORDS);
            return rate > 0 && spanAt(rate - 1) != null && spanAt(rate - 1).isValue() ? rate : -1;
        }

        /** Whether the metric counts the table's rows (or its unique key, the same count). */
        private boolean countsRows(TableSchema table, Metric metric) {
            return metric.expr() instanceof Metric.CountRows
                    || metric.expr() instanceof Metric.Agg agg
                            && agg.fn().equals("count_distinct")
                            && isKey(table, agg.column());
        }

        /** The rate of rows meeting {@code part}, which leaves the filters; a note says how it was read. */
        private Metric rate(TableSchema table, List<Condition> part, String name) {
            plan.filters.removeAll(part);
            plan.notes.add("'" + name + "' read as the share of " + tableNoun(table) + " with " + filterWords(part)
                    + (plan.dimensions.isEmpty() ? "." : ", in each group."));
            return new Metric(name, "ratio", new Metric.Rate(part), Metric.Unit.PERCENT);
        }

        private static String filterWords(List<Condition> conditions) {
            return conditions.stream()
                    .map(f -> f.column().name() + " " + (f.op() == Op.NE ? "not " : "")
                            + String.join(
                                    " or ",
                                    f.values().stream().map(v -> "'" + v + "'").toList()))
                    .collect(Collectors.joining(" and "));
        }

        /** The value filters named after the row entity ("customers that churned"), not on a dimension. */
        private List<Condition> predicateFilters(TableSchema table) {
            Token noun = rowEntity(table);
            if (noun == null) {
                return List.of();
            }
            Set<ColumnInfo> after = new HashSet<>();
            for (int i = noun.index() + 1; i < tokens.size(); i++) {
                Span span = spanAt(i);
                if (span != null && span.isValue() && span.from() == i) {
                    after.add(span.best().column());
                }
            }
            return plan.filters.stream()
                    .filter(f -> f.op() == Op.EQ || f.op() == Op.IN || f.op() == Op.NE)
                    .filter(f -> after.contains(f.column()) && !plan.dimensions.contains(f.column()))
                    .toList();
        }

        private boolean measureAt(int i) {
            Span span = i < tokens.size() ? spanAt(i) : null;
            return span != null && span.isColumn() && span.best().column().role() == ColumnRole.MEASURE;
        }

        /** "the previous month" after another period: the period before that one, not before today. */
        private boolean periodBefore(TimePhrases.Found found, Window window) {
            boolean before = false;
            for (int k = found.from(); k < found.to(); k++) {
                before |= isWord(k, "previous", "prior", "preceding");
            }
            return before && found.relative() && window.unit() != Window.Unit.RANGE;
        }

        private String describe(Window window) {
            return window.start().equals(window.end())
                    ? window.label()
                    : window.label() + " (" + window.start() + " to " + window.end() + ")";
        }

        private int unitRank(Window.Unit unit) {
            return switch (unit) {
                case DAY -> 0;
                case WEEK -> 1;
                case MONTH -> 2;
                case QUARTER -> 3;
                case HALF -> 4;
                case YEAR -> 5;
                case RANGE -> 3;
            };
        }

        private Outcome decide(
                TableSchema table,
                Metric metric,
                Span askedSpan,
                List<Condition> valueMentions,
                boolean yesNo,
                int listIndex) {
            boolean superDesc = false;
            boolean superAsc = false;
            // "ordered from the lowest to the highest", "in descending order": how to sort, not
            // which end to pick
            Set<Integer> sortWords = new HashSet<>();
            Boolean sortAscending = topCount == null && !has("top", "bottom") ? sortOrder(sortWords) : null;
            for (int i = 0; i < tokens.size(); i++) {
                if (sortWords.contains(i)) {
                    continue;
                }
                if (SUPERLATIVE_DESC.contains(word(i))
                        && !(word(i).equals("top") && topCount == null && askedSpan == null)) {
                    superDesc = true;
                }
                if (SUPERLATIVE_ASC.contains(word(i))) {
                    superAsc = true;
                }
            }
            if (has("top") || (topCount != null && SUPERLATIVE_ASC.stream().noneMatch(w -> has(w)))) {
                superDesc = true;
                superAsc = false;
            }
            int least = indexOf("least");
            if (has("bottom", "worst")
                    || (least >= 0
                            && isWord(least + 1, "popular", "expensive", "profitable", "successful", "common"))) {
                // "the least popular product": "least" turns the adjective around
                superAsc = true;
                superDesc = false;
            }
            if (!superDesc && !superAsc && hasSequence("which", "one")) {
                // "of the two campaigns, which one had the lower CPC": a comparative picks one
                superAsc = has(LESS) || has("cheaper", "worse");
                superDesc = !superAsc && has("higher", "more", "greater", "larger", "bigger", "better");
            }
            boolean shareCue = has(
                            "share",
                            "proportion",
                            "fraction",
                            "percentage",
                            "percent",
                            "%",
                            "contribution",
                            "contributed",
                            "contribute",
                            "mix",
                            "distribution",
                            "split")
                    && !(metric != null && metric.unit() == Metric.Unit.PERCENT);
            // "churn rate", "the churn rate by country": the share of rows holding that value, a
            // metric of its own, so it can be broken down, ranked and filtered like any other
            int rate = valueRateAt();
            if (rate > 0 && metric != null) {
                ColumnInfo valueColumn = spanAt(rate - 1).best().column();
                List<Condition> part = plan.filters.stream()
                        .filter(f -> f.column().equals(valueColumn))
                        .toList();
                if (countsRows(table, metric) && !part.isEmpty()) {
                    metric = rate(table, part, tokens.get(rate - 1).text() + " rate");
                    shareCue = false;
                } else {
                    shareCue = !(metric.unit() == Metric.Unit.PERCENT);
                }
            }
            if (shareCue && metric != null && countsRows(table, metric) && !plan.dimensions.isEmpty()) {
                // "what percentage of customers churned by industry": values said of the row entity
                // (after it) are the part, per group; "the share of churned customers in each
                // industry" (before it) stays a distribution
                List<Condition> part = predicateFilters(table);
                if (!part.isEmpty()) {
                    metric = rate(table, part, "share of " + tableNoun(table) + " " + filterWords(part));
                    shareCue = false;
                }
            }
            if (has("best", "worst")
                    && metric != null
                    && costLike(metric)
                    && tokens.stream().noneMatch(t -> superlative(t.text()) && !isWord(t.index(), "best", "worst"))) {
                // "the campaign with the worst CPA" has the highest cost per acquisition (and the worst
                // churn rate the highest churn, so this follows the rates built above), unless
                // another superlative says which end ("the highest CPA")
                superAsc = has("best");
                superDesc = !superAsc;
                plan.notes.add("'" + (superAsc ? "best" : "worst") + "' read as the "
                        + (superAsc ? "lowest" : "highest") + " " + metric.name() + ": lower is better.");
            }
            boolean compareCue = plan.compareWindow != null || overUnit != null;
            boolean comparative = has(
                    "more", "higher", "greater", "larger", "bigger", "exceed", "outsell", "outsold", "beat", "less",
                    "lower", "fewer", "smaller", "than");
            plan.ascending = sortAscending != null ? sortAscending : superAsc && !superDesc;
            if (metric == null
                    && has("average", "avg", "mean", "median", "typical")
                    && !countCue()
                    && !unknownWords(table).isEmpty()) {
                // "the average customer lifetime value": an average of something this table lacks
                return refuseUnknown(table);
            }
            ColumnInfo dateAsked = dateOfOneEntity(table, metric);
            if (dateAsked != null) {
                // "when did Swiftclearly sign up", "the signup date of Swiftclearly": that row's date
                plan.metric = Metric.rows(tableNoun(table));
                plan.intent = Intent.LOOKUP;
                plan.target = dateAsked;
                return new Planned(plan);
            }
            if (metric == null && plan.dimensions.isEmpty() && plan.grain == null && grain == null) {
                Token entity = plan.filters.isEmpty() && plan.columnComparisons.isEmpty() ? null : rowEntity(table);
                if (entity != null && !yesNo) {
                    // "churned Pro customers in healthcare": the rows the values pick out, counted
                    metric = Metric.rows(entity.text());
                } else if (!yesNo || plan.filters.isEmpty()) {
                    return refuseUnknown(table);
                }
            }
            if (metric == null) {
                metric = Metric.rows(tableNoun(table));
            }
            if (perEntity != null
                    && metric.expr() instanceof Metric.Agg agg
                    && (agg.fn().equals("avg") || agg.fn().equals("sum"))
                    && Metric.additive(agg.column())) {
                metric = new Metric(
                        metric.name() + " per " + Lexicon.display(perEntity.name()),
                        "ratio",
                        new Metric.Binary(
                                '/', new Metric.Agg("sum", agg.column()), new Metric.Agg("count_distinct", perEntity)),
                        metric.unit());
                plan.notes.add("Read as total " + agg.column().name() + " divided by the number of distinct "
                        + perEntity.name() + " values.");
            }
            if (perMeasure != null
                    && !(metric.expr() instanceof Metric.Agg agg
                            && (agg.fn().equals("avg") || agg.fn().equals("sum"))
                            && Metric.additive(agg.column())
                            && !agg.column().equals(perMeasure))) {
                // "orders per seat": nothing summable to share out over the seats; never drop the "per"
                return new Refused(
                        "'" + metric.name() + " per " + perMeasureWords + "' cannot be computed: name another"
                                + " measure to divide by the total " + Lexicon.display(perMeasure.name()) + ".",
                        table);
            }
            if (perMeasure != null && metric.expr() instanceof Metric.Agg agg) {
                metric = new Metric(
                        metric.name() + " per " + perMeasureWords,
                        "ratio",
                        new Metric.Binary('/', new Metric.Agg("sum", agg.column()), new Metric.Agg("sum", perMeasure)),
                        Metric.currency(agg.column()) ? Metric.Unit.CURRENCY : Metric.Unit.NUMBER);
                plan.notes.add("Read as total " + agg.column().name() + " divided by total " + perMeasure.name() + ".");
            }
            if ((superDesc || superAsc)
                    && metric.expr() instanceof Metric.CountRows
                    && plan.dimensions.size() == 1
                    && isKey(table, plan.dimensions.getFirst())
                    && !countCue()
                    && defaultMeasure(table) != null) {
                // "the 3 largest orders": one row per order, so each is ranked by its own value, not by
                // its count of one
                ColumnInfo main = defaultMeasure(table);
                metric = Metric.total(main);
                plan.notes.add("Ranked by " + main.name() + ", the main measure of '" + table.name() + "'.");
            }
            if ((superDesc || superAsc)
                    && (has("single", "individual") || superlativeOfOneRow(table))
                    && metric.expr() instanceof Metric.Agg agg
                    && agg.fn().equals("sum")) {
                // "which customer placed the largest single order": each group's largest row
                boolean smallest = superAsc && !superDesc;
                metric = Metric.of(smallest ? "min" : "max", agg.column());
                plan.notes.removeIf(note -> note.startsWith("Ranked by sum of"));
                plan.notes.add("Ranked by each group's " + (smallest ? "smallest" : "largest") + " single "
                        + agg.column().name() + ".");
            }
            plan.metric = metric;
            plan.grain = grain;
            plan.perGrain = perGrain;
            if (thresholdInPercent
                    && plan.threshold != null
                    && (metric.unit() == Metric.Unit.PERCENT
                            || (metric.expr() instanceof Metric.Binary ratio && ratio.op() == '/'))) {
                // "is our conversion rate above 4%": a rate is a fraction, so 4% is 0.04
                plan.notes.add("'" + Format.plain(plan.threshold) + "%' read as " + Format.plain(plan.threshold / 100.0)
                        + ".");
                plan.threshold = plan.threshold / 100.0;
                plan.notes.removeIf(note -> note.startsWith("The condition '") && note.contains("%' was applied to"));
            }
            if ((!yesNo && unclear(table)) || unknownRanking(table) || unknownEvent(table)) {
                return refuseUnknown(table);
            }
            int which = indexOf("which");
            if (which >= 0 && which + 1 < tokens.size()) {
                // "which ad creative performed best": what is asked for is not in the data (the noun
                // after "which", or after a word that only names the table, is unknown)
                List<String> unknown = unknownWords(table);
                int noun = tableWords(table).contains(tokens.get(which + 1).stem()) ? which + 2 : which + 1;
                if (noun < tokens.size() && unknown.contains(word(noun))) {
                    return refuseUnknown(table);
                }
            }
            int asked = -1;
            if (isWord(start, "what", "whats")) {
                asked = start + (isWord(start + 1, "is", "was", "are", "were", "s") ? 2 : 1);
                asked += isWord(asked, "the", "our") ? 1 : 0;
                asked += isWord(asked, "busiest", "quietest") ? 1 : 0;
                // "what was the earliest order date": the date word qualifies what is asked
                asked += metric.ofDates() && isWord(asked, DATE_WORDS) ? 1 : 0;
            }
            String askedWord = asked > 0 ? word(asked) : "";
            if (asked > 0
                    && !yesNo
                    && unknownWords(table).contains(askedWord)
                    && STOP_WORDS.stream().noneMatch(w -> w.length() >= 4 && Text.distance(w, askedWord, 1) <= 1)) {
                // "what is the weather impact on sales": the thing asked for is not in the data, whatever
                // else the question names (a misspelt everyday word such as "totl" is not that)
                return refuseUnknown(table);
            }
            if (!yesNo
                    && metric.expr() instanceof Metric.CountRows
                    && !countCue()
                    && !shareCue
                    && plan.dimensions.isEmpty()
                    && has("what", "whats")
                    && !unknownWords(table).isEmpty()) {
                // "what is the shelf life of our products": a count of rows is not what was asked
                return refuseUnknown(table);
            }
            List<Condition> sameColumn = valueMentions.stream()
                    .filter(c -> valueMentions.stream()
                                    .filter(o -> o.column().equals(c.column()))
                                    .count()
                            >= 2)
                    .toList();
            if (!yesNo
                    && (hasSequence("how", "much") || hasSequence("how", "many"))
                    && has("than")
                    && comparative
                    && (sameColumn.size() == 2 || combined(sameColumn))
                    && plan.dimensions.stream()
                            .allMatch(d -> d.equals(sameColumn.getFirst().column()))
                    && plan.compareWindow == null) {
                // "how much more revenue did North America bring in than EMEA": the difference
                plan.intent = Intent.AGGREGATE;
                plan.dimensions.clear();
                plan.comparator = has(LESS) ? Op.LT : Op.GT;
                plan.valuePair = valuePair(sameColumn);
                plan.filters.removeIf(
                        f -> f.column().equals(sameColumn.getFirst().column()));
                return new Planned(plan);
            }
            if (plan.countedGroups != null) {
                plan.intent = Intent.AGGREGATE;
                return new Planned(plan);
            }
            if (yesNo) {
                plan.intent = Intent.YES_NO;
                if (plan.compareWindow != null && (comparative || has(RISE) || has(FALL))) {
                    // "was revenue higher in 2025 than in 2024", "did EMEA revenue grow in 2025
                    // compared with 2024" (it had counted 2025's orders)
                    plan.yesNo = Plan.YesNoKind.PERIODS;
                    plan.comparator = has(LESS) || has(FALL) ? Op.LT : Op.GT;
                } else if (sameColumn.size() >= 2 && comparative && has("or") && !has("than")) {
                    // "did we spend more on Google or Meta": not a yes/no but which of the two
                    plan.dimensions.clear();
                    return leaderOf(sameColumn.get(0).column());
                } else if (sameColumn.size() >= 2 && comparative) {
                    plan.yesNo = Plan.YesNoKind.VALUES;
                    plan.comparator = has(LESS) ? Op.LT : Op.GT;
                    plan.valuePair = valuePair(sameColumn);
                    plan.filters.removeIf(
                            f -> f.column().equals(sameColumn.get(0).column()));
                } else if (plan.threshold != null) {
                    plan.yesNo = Plan.YesNoKind.THRESHOLD;
                } else if ((superDesc || superAsc) && !valueMentions.isEmpty()) {
                    Condition value = valueMentions.getFirst();
                    plan.yesNo = Plan.YesNoKind.IS_TOP;
                    plan.topValue = String.valueOf(value.values().getFirst());
                    plan.dimensions.clear();
                    plan.dimensions.add(value.column());
                    plan.filters.removeIf(f -> f.column().equals(value.column()));
                } else {
                    plan.yesNo = Plan.YesNoKind.EXISTS;
                }
                return new Planned(plan);
            }
            if (compareCue && plan.compareWindow != null) {
                plan.intent = Intent.COMPARE;
                plan.change = askedChange();
                return new Planned(plan);
            }
            if (askedGrain != null && plan.timeColumn != null && plan.dimensions.isEmpty()) {
                plan.intent = Intent.WHICH;
                plan.grain = askedGrain;
                plan.periodAnswer = true;
                plan.ascending = bestPeriod < 0 || (bestPeriod == 0 && superAsc && !superDesc);
                return new Planned(plan);
            }
            if (grain != null || trendCue) {
                plan.intent = Intent.TREND;
                if (plan.grain == null) {
                    plan.grain = autoGrain();
                    plan.notes.add("Shown by " + plan.grain.name().toLowerCase(java.util.Locale.ROOT)
                            + ", a grain that suits the period.");
                }
                return new Planned(plan);
            }
            ColumnInfo namedValues = namedValuesColumn();
            boolean rowsAsked = plan.dimensions.size() == 1
                    && plan.dimensions.getFirst().equals(identifierColumn(table))
                    && plan.metric.expr() instanceof Metric.CountRows;
            if (has("or")
                    && comparative
                    && !has("than")
                    && (plan.dimensions.isEmpty() || rowsAsked)
                    && namedValues != null) {
                // "which sold more units, Atlas Laptop or Luna Tablet?", "which had fewer orders: Online
                // or Partner?" (the orders are what is counted, not what is asked for): the leader
                plan.dimensions.clear();
                return leaderOf(namedValues);
            }
            if (has("compare", "versus", "vs")
                    && plan.dimensions.isEmpty()
                    && plan.compareWindow == null
                    && namedValues != null) {
                // "compare Online and Retail revenue": the values named, side by side
                plan.dimensions.add(namedValues);
                plan.intent = Intent.BREAKDOWN;
                plan.inNamedOrder = true;
                return new Planned(plan);
            }
            if (shareCue && plan.dimensions.isEmpty() && namedValues != null) {
                // "the split between Online and Retail": shares among the values named
                plan.dimensions.add(namedValues);
            }
            if (shareCue) {
                if (!metric.summable() && !(plan.shareOfFilteredAllowed(metric) && plan.dimensions.isEmpty())) {
                    plan.notes.add("A share of total is not meaningful for " + metric.name()
                            + "; showing the breakdown instead.");
                } else if (plan.dimensions.isEmpty() && !plan.filters.isEmpty()) {
                    plan.intent = Intent.SHARE;
                    plan.shareOfFiltered = true;
                    plan.shareBase = shareBase(table);
                    return new Planned(plan);
                } else if (!plan.dimensions.isEmpty()) {
                    plan.intent = Intent.SHARE;
                    return new Planned(plan);
                }
            }
            if (ranked && !plan.dimensions.isEmpty()) {
                plan.intent = Intent.TOP_N;
                plan.limit = topCount != null ? Math.max(1, Math.min(topCount, 1000)) : 1000;
                return new Planned(plan);
            }
            if (!plan.dimensions.isEmpty()
                    && (topCount != null
                            || (has("top", "bottom") && askedSpan != null)
                                    && !(topCount == null && isSingular(askedSpan)))) {
                plan.intent = Intent.TOP_N;
                plan.limit = topCount != null ? Math.max(1, Math.min(topCount, 1000)) : 5;
                if (topCount == null) {
                    plan.notes.add("No count was given, so the top 5 are shown.");
                }
                return new Planned(plan);
            }
            if (!plan.dimensions.isEmpty()
                    && (superDesc || superAsc)
                    && askedSpan != null
                    && plan.having.isEmpty()
                    && !isSingular(askedSpan)
                    && !hasSequence("which", "one")
                    && topCount == null) {
                // "our best selling products", "the most expensive campaigns": a top 5
                plan.intent = Intent.TOP_N;
                plan.limit = 5;
                plan.notes.add("No count was given, so the top 5 are shown.");
                return new Planned(plan);
            }
            ColumnInfo named = nameColumn(table);
            if (plan.dimensions.isEmpty()
                    && (listIndex >= 0 && !countCue() || rowCheck(table))
                    && !(plan.filters.isEmpty() && plan.columnComparisons.isEmpty())
                    && plan.metric.expr() instanceof Metric.CountRows
                    && rowEntity(table) != null) {
                // "list Pro customers", "list the garden products": the rows the values pick out, by name
                ColumnInfo listed = keyNamedByEntity(table);
                if (listed == null) {
                    listed = named != null ? named : identifierColumn(table);
                }
                if (listed != null) {
                    plan.dimensions.add(listed);
                    plan.intent = Intent.LIST;
                    return new Planned(plan);
                }
            }
            if (plan.dimensions.isEmpty()
                    && askedSpan == null
                    && !plan.filters.isEmpty()
                    && plan.having.isEmpty()
                    && topCount == null
                    && named != null
                    && (has("cheapest", "priciest") || hasSequence("most", "expensive"))
                    && !has("average", "avg", "mean", "total", "sum")) {
                // "cheapest toy": the one row of the named kind with the lowest price, by its name
                ColumnInfo price = conceptColumn(table, "price");
                if (price != null && !plan.metric.columns().contains(price)) {
                    List<ColumnInfo> replaced = plan.metric.columns();
                    plan.notes.removeIf(note ->
                            replaced.stream().anyMatch(c -> note.endsWith(" read as column " + c.name() + ".")));
                    plan.metric = Metric.of("avg", price);
                }
                plan.dimensions.add(named);
                plan.intent = Intent.WHICH;
                plan.limit = 1;
                plan.ascending = has("cheapest");
                return new Planned(plan);
            }
            if (bestOfAny
                    && askedSpan == null
                    && grain == null
                    && plan.dimensions.size() == 1
                    && (superDesc || superAsc)
                    && plan.having.isEmpty()) {
                // "the highest revenue of any region": the leading group's value
                plan.intent = Intent.WHICH;
                plan.limit = 1;
                plan.valueAsked = true;
                return new Planned(plan);
            }
            if (!plan.dimensions.isEmpty()
                    && (superDesc || superAsc)
                    && (askedSpan != null || whatSold)
                    && plan.having.isEmpty()) {
                if (isSingular(askedSpan) || has("which", "what", "who") || hasSequence("the")) {
                    plan.intent = Intent.WHICH;
                    plan.limit = 1;
                    plan.valueAsked = valueOfLeaderAsked(askedSpan);
                    return new Planned(plan);
                }
            }
            if (!plan.dimensions.isEmpty()
                    && listIndex >= 0
                    && askedSpan != null
                    && (metric.expr() instanceof Metric.CountRows)
                    && !has("most", "highest", "many")
                    && !groupedByCue
                    && lookupTarget(askedSpan) == null) {
                int having = indexOf("have", "has", "had", "having", "with");
                List<String> unknown = unknownWords(table);
                if (having >= 0
                        && (unknown.contains(word(having + 1))
                                || unknown.contains(word(having + 2))
                                || unknown.contains(word(having + 3)))) {
                    // "which customers have overdue invoices": listing them all would ignore the condition
                    return refuseUnknown(table);
                }
                plan.intent = Intent.LIST;
                return new Planned(plan);
            }
            if (!plan.dimensions.isEmpty() && askedSpan != null && !plan.having.isEmpty()) {
                plan.intent = Intent.LIST;
                return new Planned(plan);
            }
            if (!plan.dimensions.isEmpty()
                    && askedSpan != null
                    && metric.expr() instanceof Metric.CountRows
                    && !countCue()
                    && unknownWords(table).isEmpty()
                    && !superDesc
                    && !superAsc
                    && lookupTarget(askedSpan) == null
                    && !groupedByCue) {
                plan.intent = Intent.LIST;
                return new Planned(plan);
            }
            // a lookup: "what is the <column> of <entity>" where the column is not a measure
            ColumnInfo lookupTarget = lookupTarget(askedSpan);
            if (lookupTarget != null) {
                plan.intent = Intent.LOOKUP;
                plan.target = lookupTarget;
                plan.dimensions.clear();
                return new Planned(plan);
            }
            if (!plan.dimensions.isEmpty()
                    && plan.dimensions.size() == 1
                    && !groupedByCue
                    && plan.metric.expr() instanceof Metric.CountRows
                    && rowUnique(plan.table, plan.dimensions.getFirst())) {
                // "customers who signed up in December 2024": a count per row-unique name would be 1
                // for every group; the rows are counted instead
                plan.dimensions.clear();
                plan.intent = Intent.AGGREGATE;
                return new Planned(plan);
            }
            if (!plan.dimensions.isEmpty()) {
                plan.intent = Intent.BREAKDOWN;
                return new Planned(plan);
            }
            plan.intent = Intent.AGGREGATE;
            if (rangeAsked()
                    && plan.metric.expr() instanceof Metric.Agg agg
                    && !agg.fn().equals("count_distinct")
                    && plan.perGrain == null) {
                // "what's the lowest and highest price", "the date range": both ends at once
                plan.metric = Metric.of("min", agg.column());
                plan.range = true;
                plan.notes.removeIf(note -> note.endsWith("so it was averaged rather than summed."));
            }
            return new Planned(plan);
        }

        /**
         * Whether a comparison of two periods asks for the change as one number: in percent ("the
         * percentage change in signups", "growth as a percentage") or as an amount ("by how much did
         * spend change", "how much did revenue grow"); null when it asks for both periods' values.
         */
        private Plan.Change askedChange() {
            if (has("percent", "percentage", "pct") || hasSequence("growth", "rate")) {
                return Plan.Change.PERCENT;
            }
            boolean changeVerb = has(RISE) || has(FALL) || has("change", "changed", "go", "went");
            if (hasSequence("by", "how", "much")
                    || has("absolute", "difference")
                    || (hasSequence("how", "much") && changeVerb)) {
                return Plan.Change.ABSOLUTE;
            }
            return null;
        }

        /**
         * "the price range", "lowest and highest price", "min and max seats", "earliest and latest
         * order": both ends of a column's values are asked for. A range bounded by numbers ("priced in
         * the 10 to 20 range") is a filter instead.
         */
        private boolean rangeAsked() {
            if (!numerics.isEmpty() || tokens.stream().anyMatch(t -> t.kind() == Kind.NUMBER && !consumed[t.index()])) {
                return false;
            }
            for (int i = 0; i < tokens.size(); i++) {
                if (consumed[i]) {
                    continue;
                }
                if (isWord(i, "range", "ranges", "span")) {
                    return true;
                }
                boolean low = isWord(i, RANGE_LOW);
                boolean high = isWord(i, RANGE_HIGH);
                if (low || high) {
                    int other = isWord(i + 1, "and", "to", "or") ? i + 2 : i + 1;
                    if (other < tokens.size() && !consumed[other] && isWord(other, low ? RANGE_HIGH : RANGE_LOW)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static final String[] RANGE_LOW = {"lowest", "min", "minimum", "smallest", "earliest", "first", "oldest"
        };
        private static final String[] RANGE_HIGH = {
            "highest", "max", "maximum", "largest", "biggest", "latest", "last", "newest"
        };

        /** "than Berlin and Dallas together": the values after the first are one side, summed. */
        private boolean combined(List<Condition> sameColumn) {
            return sameColumn.size() > 2 && has("together", "combined");
        }

        /** The two sides compared: the first value named, and the second (or all the rest, combined). */
        private List<Condition> valuePair(List<Condition> sameColumn) {
            if (!combined(sameColumn)) {
                return List.of(sameColumn.get(0), sameColumn.get(1));
            }
            List<Object> rest = sameColumn.subList(1, sameColumn.size()).stream()
                    .flatMap(c -> c.values().stream())
                    .toList();
            return List.of(
                    sameColumn.getFirst(), new Condition(sameColumn.getFirst().column(), Op.IN, rest));
        }

        /** The column of the values the question names together ("Online and Retail"), if any. */
        private ColumnInfo namedValuesColumn() {
            for (Condition filter : plan.filters) {
                if (filter.op() == Op.IN && filter.column().role() != ColumnRole.MEASURE) {
                    return filter.column();
                }
            }
            return null;
        }

        /** Which of the values named in {@code column} leads (trails, with "less / fewer …"). */
        private Planned leaderOf(ColumnInfo column) {
            plan.dimensions.add(column);
            plan.intent = Intent.WHICH;
            plan.limit = 1;
            plan.ascending = has(LESS);
            return new Planned(plan);
        }

        /**
         * "what fraction of Enterprise customers churned": the value filters named before the row
         * entity make the whole when another value is named after it; none otherwise.
         */
        private List<Condition> shareBase(TableSchema table) {
            Token noun = rowEntity(table);
            int source = sourceWord();
            if (noun == null && source < 0) {
                return List.of();
            }
            // "what share of active MRR comes from Finance customers": what follows "from" is the part
            int entity = source >= 0 ? source : noun.index();
            Set<ColumnInfo> before = new HashSet<>();
            Set<ColumnInfo> after = new HashSet<>();
            for (int i = 0; i < tokens.size(); i++) {
                Span span = spanAt(i);
                if (span != null && span.isValue() && span.from() == i) {
                    (i < entity ? before : after).add(span.best().column());
                }
            }
            before.removeAll(after);
            if (before.isEmpty() || after.isEmpty()) {
                return List.of();
            }
            return plan.filters.stream()
                    .filter(f -> before.contains(f.column()))
                    .toList();
        }

        /** "comes from", "came through", "generated by": where a share names its part, or -1. */
        private int sourceWord() {
            for (int i = 1; i < tokens.size(); i++) {
                if (isWord(i, "from", "through", "via", "by")
                        && isWord(i - 1, "come", "comes", "came", "coming", "generated", "contributed", "brought")) {
                    return i;
                }
            }
            return -1;
        }

        /** The unique key of each row ({@code order_id}), when there is one. */
        private static ColumnInfo identifierColumn(TableSchema table) {
            return table.columns().stream()
                    .filter(column -> isKey(table, column))
                    .findFirst()
                    .orElse(null);
        }

        /** The column that names each row ({@code product_name}), when there is one. */
        private static ColumnInfo nameColumn(TableSchema table) {
            for (ColumnInfo column : table.columns()) {
                if (Text.words(column.name()).contains("name")
                        && column.role() != ColumnRole.MEASURE
                        && column.role() != ColumnRole.TIME
                        && table.rowCount() > 0
                        && column.distinctCount() >= table.rowCount() * 0.5) {
                    return column;
                }
            }
            return null;
        }

        /**
         * The noun for one row of {@code table} when the question uses it ("orders" in sales orders,
         * "customers" in a table keyed by {@code customer_id}), else null.
         */
        private Token rowEntity(TableSchema table) {
            Set<String> entities = new HashSet<>(tableWords(table));
            String noun = tableNoun(table);
            if (!noun.equals("rows")) {
                entities.add(Text.stem(noun));
            }
            for (ColumnInfo column : table.columns()) {
                List<String> words = Text.words(column.name());
                if (isKey(table, column) && words.size() == 2 && words.getLast().equals("id")) {
                    entities.add(Text.stem(words.getFirst()));
                }
            }
            ColumnInfo named = nameColumn(table);
            for (Token token : tokens) {
                if (token.kind() != Kind.WORD) {
                    continue;
                }
                if (!token.text().equals(token.stem()) && entities.contains(token.stem())) {
                    return token;
                }
                // "items" for a product_name column, "skus" for a sku key: a plural naming each row
                boolean plural = !token.text().equals(token.stem())
                        || (token.text().endsWith("s") && !token.text().endsWith("ss"));
                Span span = spanAt(token.index());
                if (plural
                        && span != null
                        && span.from() == token.index()
                        && span.to() == token.index() + 1
                        && span.candidates().stream()
                                .anyMatch(m -> m.kind() == MatchKind.COLUMN
                                        && m.score() >= 0.55
                                        && (m.column().equals(named) || isKey(table, m.column())))) {
                    return token;
                }
            }
            return null;
        }

        /** "skus below reorder level": the key column the rows' noun names itself ({@code sku}), if any. */
        private ColumnInfo keyNamedByEntity(TableSchema table) {
            Token entity = rowEntity(table);
            Span span = entity == null ? null : spanAt(entity.index());
            if (span == null) {
                return null;
            }
            String singular = entity.text().endsWith("s")
                    ? entity.text().substring(0, entity.text().length() - 1)
                    : "";
            return span.candidates().stream()
                    .filter(m -> m.kind() == MatchKind.COLUMN && isKey(table, m.column()))
                    .map(Mention::column)
                    .filter(c ->
                            c.name().equalsIgnoreCase(entity.stem()) || c.name().equalsIgnoreCase(singular))
                    .findFirst()
                    .orElse(null);
        }

        /**
         * "items below reorder level", "skus in Berlin under their reorder level": a bare phrase that
         * starts with the rows' own noun and compares two of their columns is a check on each row,
         * and asks for the rows it finds. A bare phrase with value filters only ("customers in Japan
         * on the Basic plan") sizes a segment, and stays a count.
         */
        private boolean rowCheck(TableSchema table) {
            return bareRowEntity(table) != null
                    && (!plan.columnComparisons.isEmpty()
                            || plan.filters.stream()
                                    .anyMatch(f -> f.column().role() == ColumnRole.MEASURE && f.op() != Op.EQ));
        }

        /**
         * The rows' noun of a bare phrase naming the rows ("kitchen items in Berlin priced over 100"):
         * no question word, and nothing but values, "all", "the" or "our" before it. Null otherwise.
         */
        private Token bareRowEntity(TableSchema table) {
            Token entity = rowEntity(table);
            if (entity == null
                    || countCue()
                    || has("how", "what", "which", "who", "is", "are", "was", "were", "do", "does", "did")) {
                return null;
            }
            for (int i = 0; i < entity.index(); i++) {
                // only "all", "the", "our" and values may come first: "kitchen items below …"
                Span span = spanAt(i);
                if (!isWord(i, "all", "the", "our") && (span == null || !span.isValue())) {
                    return null;
                }
            }
            return entity;
        }

        private ColumnInfo lookupTarget(Span askedSpan) {
            if (plan.filters.stream()
                    .noneMatch(f -> f.column().role() == ColumnRole.IDENTIFIER
                            || f.column().role() == ColumnRole.TEXT)) {
                return null;
            }
            if (askedSpan != null && !plan.dimensions.isEmpty() && plan.metric.expr() instanceof Metric.CountRows) {
                return plan.dimensions.getFirst();
            }
            return null;
        }

        private boolean isSingular(Span span) {
            if (span == null) {
                return false;
            }
            String last = word(span.to() - 1);
            return Text.stem(last).equals(last);
        }

        private Grain autoGrain() {
            Window window = plan.window;
            LocalDate start = window != null ? window.start() : parseDate(plan.timeColumn.min());
            LocalDate end = window != null ? window.end() : parseDate(plan.timeColumn.max());
            if (start == null || end == null || start.getYear() < 1950) {
                return Grain.MONTH;
            }
            long days = java.time.temporal.ChronoUnit.DAYS.between(start, end) + 1;
            if (days <= 45) {
                return Grain.DAY;
            }
            if (days <= 120) {
                return Grain.WEEK;
            }
            if (days <= 1100) {
                return Grain.MONTH;
            }
            return Grain.QUARTER;
        }

        /** Words the data does not know, in a sentence with no question or command shape at all. */
        private boolean unclear(TableSchema table) {
            boolean shaped = has(
                    "what", "whats", "how", "which", "who", "show", "list", "give", "tell", "is", "are", "was", "were",
                    "did", "does", "do", "compare", "total", "average", "sum", "count", "top", "bottom", "by", "per",
                    "in", "for", "of", "from", "name", "find", "get", "display", "break", "split", "share", "trend");
            return !shaped && !unknownWords(table).isEmpty();
        }

        private List<String> unknownWords(TableSchema table) {
            List<String> unknown = new ArrayList<>();
            Set<String> nameWords = tableWords(table);
            for (Token token : tokens) {
                // a lead-in ("for the board deck: …") may name values, but its other words are talk
                if (token.index() >= start
                        && !consumed[token.index()]
                        && token.kind() == Kind.WORD
                        && !STOP_WORDS.contains(token.text())
                        && spanAt(token.index()) == null
                        && token.text().length() > 2
                        && !nameWords.contains(token.stem())) {
                    unknown.add(token.text());
                }
            }
            return unknown;
        }

        /**
         * "which product has the best customer reviews", "the customer with the most complaints": the
         * noun a superlative ranks by is a word the data does not know (past any grouping column
         * qualifying it), so no measure of this table answers it. Adjective-like words ("best
         * performing", "most popular") and agent nouns ("top spenders") are not measures.
         */
        private boolean unknownRanking(TableSchema table) {
            List<String> unknown = unknownWords(table);
            for (int i = 0; i < tokens.size() && !unknown.isEmpty(); i++) {
                if (consumed[i]
                        || !isWord(
                                i,
                                "best",
                                "worst",
                                "most",
                                "least",
                                "fewest",
                                "highest",
                                "lowest",
                                "biggest",
                                "largest",
                                "smallest",
                                "top",
                                "bottom")) {
                    continue;
                }
                int j = i + 1;
                // past grouping columns and values qualifying the noun ("top churn reasons")
                for (Span span = spanAt(j);
                        span != null
                                && (span.isValue()
                                        || span.isColumn()
                                                && column(span, ColumnRole.DIMENSION, ColumnRole.IDENTIFIER)
                                                                .role()
                                                        != ColumnRole.MEASURE);
                        span = spanAt(j)) {
                    j = span.to();
                }
                String w = j < tokens.size() ? word(j) : "";
                if (w.length() > 3
                        && spanAt(j + 1) == null // "the largest single order": a word before a known noun qualifies it
                        && unknown.contains(w)
                        && !w.matches(".*(ing|ed|able|ible|ive|ful|ous|ent|ant|ic|al|ar|er|ers|ly)")) {
                    return true;
                }
            }
            return false;
        }

        /**
         * "the number of subscriptions cancelled in December", "how many orders were returned": what
         * happened to the counted rows is a word the data does not know, so counting them all would
         * answer another question. Verbs that only say the rows exist ("orders placed", "customers
         * who signed up") are not conditions.
         */
        private boolean unknownEvent(TableSchema table) {
            if (!countCue() && !has("count")) {
                return false;
            }
            List<String> unknown = unknownWords(table);
            Set<String> names = tableWords(table);
            for (int i = 1; i < tokens.size(); i++) {
                int noun = isWord(i - 1, "were", "was", "got", "been", "being") ? i - 2 : i - 1;
                String stem = noun >= 0 ? tokens.get(noun).stem() : "";
                if (word(i).endsWith("ed")
                        && unknown.contains(word(i))
                        && !EXISTENCE_VERBS.contains(word(i))
                        && (ROW_NOUNS.contains(stem)
                                || names.contains(stem)
                                || (spanAt(noun) != null && spanAt(noun).isColumn()))) {
                    return true;
                }
            }
            return false;
        }

        private Outcome refuseUnknown(TableSchema table) {
            List<String> unknown = unknownWords(table);
            if (!unknown.isEmpty()) {
                return new Refused(
                        "'" + table.name() + "' has nothing matching '"
                                + String.join(" ", unknown.subList(0, Math.min(3, unknown.size()))) + "'.",
                        table);
            }
            return new Refused("The question does not say what to measure in '" + table.name() + "'.", table);
        }
    }

    private record Derived(List<String> phrases, String name, String kind) {}

    private static final List<Derived> DERIVED = List.of(
            new Derived(List.of("profit margin", "gross margin", "margin"), "margin", "margin"),
            new Derived(List.of("gross profit", "profit", "profits", "net profit"), "profit", "profit"),
            new Derived(List.of("click through rate", "clickthrough rate", "ctr"), "CTR", "ctr"),
            new Derived(List.of("cost per click", "cpc"), "CPC", "cpc"),
            new Derived(
                    List.of("cost per acquisition", "cost per conversion", "cost per lead", "cpa", "cost per signup"),
                    "CPA",
                    "cpa"),
            new Derived(List.of("conversion rate", "cvr", "conversion ratio"), "conversion rate", "cvr"),
            new Derived(
                    List.of(
                            "average order value",
                            "aov",
                            "average order",
                            "average order size",
                            "average basket size",
                            "average basket",
                            "average deal size",
                            "average deal value",
                            "average ticket size",
                            "average purchase value",
                            "average purchase"),
                    "average order value",
                    "aov"),
            new Derived(List.of("return on ad spend", "roas"), "ROAS", "roas"),
            new Derived(List.of("cost per mille", "cpm"), "CPM", "cpm"),
            new Derived(List.of("annual recurring revenue", "arr"), "ARR", "arr"),
            new Derived(
                    List.of(
                            "inventory value",
                            "stock value",
                            "value of our inventory",
                            "value of the inventory",
                            "value of inventory",
                            "value of our stock",
                            "value of the stock",
                            "value of stock"),
                    "inventory value",
                    "inventory_value"));

    /** The measure column a participle names ("discounted" for {@code discount}), or null. */
    private ColumnInfo participleColumn(TableSchema table, int i) {
        String word = word(i);
        if (consumed[i] || word.length() < 6 || !word.endsWith("ed")) {
            return null;
        }
        String base = word.substring(0, word.length() - 2);
        for (ColumnInfo column : table.columns()) {
            if (column.role() == ColumnRole.MEASURE && Text.words(column.name()).equals(List.of(base))) {
                return column;
            }
        }
        return null;
    }

    /** A one-letter slip in a long word of a phrase ("invetory value"). */
    private static boolean slip(String typed, String word) {
        return word.length() >= 5 && typed.length() >= 4 && Text.distance(typed, word, 1) == 1;
    }

    /** Where an (unconsumed) phrase starts in the question (a long word may carry a slip), or -1. */
    private int phraseAt(String phrase) {
        List<String> words = Text.words(phrase);
        for (int i = 0; i + words.size() <= tokens.size(); i++) {
            boolean match = true;
            for (int k = 0; k < words.size(); k++) {
                if (consumed[i + k]
                        || !(word(i + k).equals(words.get(k))
                                || tokens.get(i + k).stem().equals(Text.stem(words.get(k)))
                                || slip(word(i + k), words.get(k)))) {
                    match = false;
                    break;
                }
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    /** Kinds of derived metric the question names. */
    private List<String> derivedKinds() {
        List<String> kinds = new ArrayList<>();
        for (Derived derived : DERIVED) {
            if (derived.phrases().stream().anyMatch(p -> phraseAt(p) >= 0)) {
                kinds.add(derived.kind());
            }
        }
        return kinds;
    }

    private static Metric.Expr sum(ColumnInfo column) {
        return new Metric.Agg("sum", column);
    }

    static Metric buildDerived(String kind, String name, TableSchema table) {
        ColumnInfo revenue = conceptColumn(table, "revenue");
        ColumnInfo cost = conceptColumn(table, "cost");
        ColumnInfo spend = conceptColumn(table, "spend");
        ColumnInfo clicks = conceptColumn(table, "click");
        ColumnInfo impressions = conceptColumn(table, "impression");
        ColumnInfo conversions = conceptColumn(table, "conversion");
        ColumnInfo orderId = table.columns().stream()
                .filter(c -> c.role() == ColumnRole.IDENTIFIER
                        && Text.words(c.name()).stream().map(Text::stem).anyMatch(w -> w.equals("order")))
                .findFirst()
                .orElse(null);
        Metric.Expr orders = orderId == null ? new Metric.CountRows() : new Metric.Agg("count_distinct", orderId);
        // ad metrics (ROAS, CPC, CPA, CPM) only where the table is about advertising
        boolean advertising = clicks != null || impressions != null || conversions != null;
        if (!advertising) {
            spend = null;
        } else if (spend == null) {
            spend = cost;
        }
        if (cost == null && spend != null && kind.equals("cpa")) {
            cost = spend;
        }
        return switch (kind) {
            case "inventory_value" -> {
                ColumnInfo price = conceptColumn(table, "price");
                ColumnInfo stock = conceptColumn(table, "stock");
                yield price == null || stock == null || price.equals(stock)
                        ? null
                        : new Metric(name, "sum", new Metric.SumProduct(price, stock), Metric.Unit.CURRENCY);
            }
            case "arr" -> {
                ColumnInfo mrr = conceptColumn(table, "mrr");
                yield mrr == null
                        ? null
                        : new Metric(
                                name,
                                "sum",
                                new Metric.Binary('*', sum(mrr), new Metric.Constant(12)),
                                Metric.Unit.CURRENCY);
            }
            case "margin" ->
                revenue == null || cost == null || revenue.equals(cost)
                        ? null
                        : new Metric(
                                name,
                                "ratio",
                                new Metric.Binary('/', new Metric.Binary('-', sum(revenue), sum(cost)), sum(revenue)),
                                Metric.Unit.PERCENT);
            case "profit" ->
                revenue == null || cost == null || revenue.equals(cost)
                        ? null
                        : new Metric(
                                name, "sum", new Metric.Binary('-', sum(revenue), sum(cost)), Metric.Unit.CURRENCY);
            case "ctr" ->
                clicks == null || impressions == null
                        ? null
                        : new Metric(
                                name,
                                "ratio",
                                new Metric.Binary('/', sum(clicks), sum(impressions)),
                                Metric.Unit.PERCENT);
            case "cpc" ->
                spend == null || clicks == null
                        ? null
                        : new Metric(
                                name, "ratio", new Metric.Binary('/', sum(spend), sum(clicks)), Metric.Unit.CURRENCY);
            case "cpa" ->
                spend == null || conversions == null
                        ? null
                        : new Metric(
                                name,
                                "ratio",
                                new Metric.Binary('/', sum(spend), sum(conversions)),
                                Metric.Unit.CURRENCY);
            case "cvr" ->
                conversions == null || clicks == null
                        ? null
                        : new Metric(
                                name,
                                "ratio",
                                new Metric.Binary('/', sum(conversions), sum(clicks)),
                                Metric.Unit.PERCENT);
            case "aov" ->
                revenue == null
                        ? null
                        : new Metric(name, "ratio", new Metric.Binary('/', sum(revenue), orders), Metric.Unit.CURRENCY);
            case "roas" ->
                revenue == null || spend == null || revenue.equals(spend)
                        ? null
                        : new Metric(
                                name, "ratio", new Metric.Binary('/', sum(revenue), sum(spend)), Metric.Unit.NUMBER);
            default ->
                spend == null || impressions == null
                        ? null
                        : new Metric(
                                name,
                                "ratio",
                                new Metric.Binary(
                                        '*',
                                        new Metric.Binary('/', sum(spend), sum(impressions)),
                                        new Metric.Constant(1000)),
                                Metric.Unit.CURRENCY);
        };
    }

    // ---------------------------------------------------------------- schema helpers

    static ColumnInfo timeColumn(TableSchema table) {
        ColumnInfo best = null;
        for (ColumnInfo column : table.columns()) {
            if (column.role() != ColumnRole.TIME) {
                continue;
            }
            if (best == null) {
                best = column;
            }
            List<String> words = Text.words(column.name());
            if (words.contains("date")
                    || words.contains("order")
                    || words.contains("created")
                    || words.contains("day")) {
                return column;
            }
        }
        return best;
    }

    /** The column standing for a business concept (revenue, cost, click …), by name then synonyms. */
    static ColumnInfo conceptColumn(TableSchema table, String concept) {
        List<String> group = Lexicon.SYNONYMS.stream()
                .filter(g -> g.getFirst().equals(concept))
                .findFirst()
                .orElse(List.of(concept));
        for (String word : group) {
            String stem = Lexicon.stemPhrase(word);
            for (ColumnInfo column : table.columns()) {
                if (column.role() == ColumnRole.MEASURE
                        && Text.words(column.name()).stream().map(Text::stem).anyMatch(stem::equals)) {
                    return column;
                }
            }
        }
        return null;
    }

    static ColumnInfo defaultMeasure(TableSchema table) {
        ColumnInfo revenue = conceptColumn(table, "revenue");
        if (revenue != null) {
            return revenue;
        }
        return table.columns().stream()
                .filter(c -> c.role() == ColumnRole.MEASURE)
                .findFirst()
                .orElse(null);
    }

    /** For a dimension named by its id (customer_id), a human-readable sibling (customer_name). */
    static ColumnInfo displayColumn(TableSchema table, ColumnInfo column) {
        List<String> words = Text.words(column.name());
        if (column.role() == ColumnRole.IDENTIFIER
                && words.size() > 1
                && words.getLast().equals("id")) {
            String entity = String.join(" ", words.subList(0, words.size() - 1));
            for (ColumnInfo other : table.columns()) {
                List<String> otherWords = Text.words(other.name());
                if (otherWords.size() > 1
                        && otherWords.getLast().equals("name")
                        && String.join(" ", otherWords.subList(0, otherWords.size() - 1))
                                .equals(entity)) {
                    return other;
                }
            }
        }
        return column;
    }

    /** What one row is called: the table name's last word when it is a plural noun, else "rows". */
    static String tableNoun(TableSchema table) {
        List<String> words = Text.words(table.name());
        String last = words.isEmpty() ? "rows" : words.getLast();
        return last.length() > 3 && last.endsWith("s") && !last.endsWith("ss") ? last : "rows";
    }

    static boolean isIdLike(ColumnInfo column) {
        List<String> words = Text.words(column.name());
        return words.contains("id") || words.contains("sku") || words.contains("code");
    }

    static LocalDate parseDate(String text) {
        if (text == null || text.length() < 10) {
            return null;
        }
        return TimePhrases.parseDate(text.substring(0, 10));
    }

    static Double parseDouble(String text) {
        try {
            return Double.parseDouble(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private String numericText(Numeric numeric) {
        StringBuilder text = new StringBuilder();
        for (int i = numeric.from(); i < numeric.to(); i++) {
            text.append(i > numeric.from() ? " " : "").append(word(i));
        }
        return text.toString();
    }

    String question() {
        return question;
    }
}
