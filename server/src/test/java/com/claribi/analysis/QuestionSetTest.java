package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The development question set (issue 6): questions over the four generated datasets in
 * {@code analysis/questions.psv}, each with a hand-written SQL query giving the expected answer.
 * Every question is asked with all four tables available, so picking the table is tested too.
 * Questions marked {@code heldout} were written with the rest but never used to tune the planner;
 * their accuracy is reported separately.
 */
class QuestionSetTest {
    /** "Today" for every question: mid-January 2026, two weeks after the sales data ends. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T10:00:00Z"), ZoneOffset.UTC);

    /**
     * Thresholds: the development set must stay at or above 90 % (it was tuned on, so a drop is a
     * regression); the held-out set must stay at or above 75 %, which is what the planner reached on
     * questions it had not seen when the set was frozen — a drop there means generality was lost.
     */
    static final double DEV_THRESHOLD = 0.90;

    static final double HELD_OUT_THRESHOLD = 0.75;

    @TempDir
    static Path dir;

    static Connection connection;
    static List<TableSchema> schemas;

    record Case(int line, String split, String intent, String type, String question, String sql) {}

    @BeforeAll
    static void createData() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        Datasets.createAll(connection, dir);
        schemas = Datasets.schemas(connection);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = QuestionSetTest.class.getResourceAsStream("/analysis/questions.psv")) {
            String[] lines = new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\|", 6);
                cases.add(new Case(
                        i + 1,
                        parts[0].strip(),
                        parts[1].strip(),
                        parts[2].strip(),
                        parts[4].strip(),
                        parts.length > 5 ? parts[5].strip() : ""));
            }
        }
        return cases;
    }

    @Test
    void questionSetMeetsAccuracyThresholds() throws Exception {
        AnalysisEngine engine = new AnalysisEngine(CLOCK, AnalysisLimits.defaults());
        Map<String, int[]> devByIntent = new TreeMap<>();
        Map<String, int[]> heldOutByIntent = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<Case> cases = cases();
        boolean showHeldOut = Boolean.getBoolean("analysis.showHeldOut");
        for (Case c : cases) {
            String verdict;
            try {
                verdict = check(engine, c);
            } catch (RuntimeException e) {
                verdict = "exception " + e;
            }
            Map<String, int[]> stats = c.split().equals("heldout") ? heldOutByIntent : devByIntent;
            int[] counts = stats.computeIfAbsent(c.intent(), k -> new int[2]);
            counts[1]++;
            if (verdict == null) {
                counts[0]++;
            } else if (!c.split().equals("heldout") || showHeldOut) {
                failures.add("line " + c.line() + " [" + c.split() + "/" + c.intent() + "] " + c.question() + "\n      "
                        + verdict);
            }
        }
        StringBuilder report = new StringBuilder("\n=== analysis question set ===\n");
        double dev = report(report, "development", devByIntent);
        double heldOut = report(report, "held-out", heldOutByIntent);
        report.append("failures shown (held-out hidden unless -Danalysis.showHeldOut=true):\n");
        failures.forEach(f -> report.append("  ").append(f).append('\n'));
        System.out.println(report);
        assertThat(cases.size()).isGreaterThanOrEqualTo(150);
        assertThat(dev).as("development accuracy").isGreaterThanOrEqualTo(DEV_THRESHOLD);
        assertThat(heldOut).as("held-out accuracy").isGreaterThanOrEqualTo(HELD_OUT_THRESHOLD);
    }

    private static double report(StringBuilder report, String name, Map<String, int[]> stats) {
        int correct = stats.values().stream().mapToInt(c -> c[0]).sum();
        int total = stats.values().stream().mapToInt(c -> c[1]).sum();
        report.append(String.format(
                "%s: %d/%d = %.1f%%%n", name, correct, total, total == 0 ? 0.0 : 100.0 * correct / total));
        stats.forEach((intent, c) -> report.append(String.format("  %-12s %3d/%3d%n", intent, c[0], c[1])));
        return total == 0 ? 1.0 : (double) correct / total;
    }

    /** Null when the engine's answer matches the expected one, else what differed. */
    static String check(AnalysisEngine engine, Case c) throws SQLException {
        AnalysisOutcome outcome = engine.analyze(connection, c.question(), schemas);
        if (c.type().equals("refuse")) {
            return outcome instanceof AnalysisOutcome.Unanswerable
                    ? null
                    : "expected a refusal, got: " + outcome.answer().text();
        }
        if (!(outcome instanceof AnalysisOutcome.Answered answered)) {
            return "refused: " + outcome.answer().text();
        }
        AnalysisPayload.Answer answer = answered.answer();
        List<List<Object>> expected = query(c.sql());
        String got = answer.result() == null
                ? "null"
                : answer.result().type() + " " + answer.result().value();
        switch (c.type()) {
            case "number" -> {
                if (!answer.result().type().equals("number")) {
                    return "expected a number, got " + got + " / " + answer.text();
                }
                return same(expected.getFirst().getFirst(), answer.result().value())
                        ? null
                        : "expected " + expected.getFirst().getFirst() + ", got " + got + " / " + answer.text();
            }
            case "category" -> {
                return answer.result().type().equals("category")
                                && same(
                                        expected.getFirst().getFirst(),
                                        answer.result().value())
                        ? null
                        : "expected category " + expected.getFirst().getFirst() + ", got " + got + " / "
                                + answer.text();
            }
            case "boolean" -> {
                return answer.result().type().equals("boolean")
                                && same(
                                        expected.getFirst().getFirst(),
                                        answer.result().value())
                        ? null
                        : "expected " + expected.getFirst().getFirst() + ", got " + got + " / " + answer.text();
            }
            case "list", "set" -> {
                if (!answer.result().type().equals("list")) {
                    return "expected a list, got " + got + " / " + answer.text();
                }
                List<Object> want = expected.stream().map(r -> r.getFirst()).toList();
                List<?> have = (List<?>) answer.result().value();
                List<String> a = want.stream().map(String::valueOf).toList();
                List<String> b = have.stream().map(String::valueOf).toList();
                if (c.type().equals("set")) {
                    a = a.stream().sorted().toList();
                    b = b.stream().sorted().toList();
                }
                return a.equals(b) ? null : "expected " + a + ", got " + b + " / " + answer.text();
            }
            case "table", "tableset" -> {
                if (answer.table() == null) {
                    return "no table / " + answer.text();
                }
                List<List<Object>> have = answer.table().rows();
                if (have.size() != expected.size()) {
                    return "expected " + expected.size() + " rows, got " + have.size() + ": " + preview(have) + " want "
                            + preview(expected) + " / " + answer.text();
                }
                List<List<Object>> a = new ArrayList<>(expected);
                List<List<Object>> b = new ArrayList<>();
                int width = expected.isEmpty() ? 0 : expected.getFirst().size();
                for (List<Object> row : have) {
                    if (row.size() < width) {
                        return "rows are narrower than expected: " + preview(have);
                    }
                    b.add(row.subList(0, width));
                }
                if (c.type().equals("tableset")) {
                    Comparator<List<Object>> byText = Comparator.comparing(Object::toString);
                    a.sort(byText);
                    b.sort(byText);
                }
                for (int i = 0; i < a.size(); i++) {
                    for (int k = 0; k < width; k++) {
                        if (!same(a.get(i).get(k), b.get(i).get(k))) {
                            return "row " + i + " differs: expected " + a.get(i) + ", got " + b.get(i) + " / "
                                    + answer.text();
                        }
                    }
                }
                return null;
            }
            default -> throw new IllegalArgumentException("unknown type " + c.type());
        }
    }

    private static String preview(List<List<Object>> rows) {
        return rows.subList(0, Math.min(4, rows.size())).toString();
    }

    static boolean same(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof Number a && actual instanceof Number b) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            return Math.abs(x - y) <= 1e-6 * Math.max(1.0, Math.abs(x));
        }
        return String.valueOf(expected).equals(String.valueOf(actual));
    }

    static List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int width = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    row.add(QueryRunner.raw(result.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
