package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mangled questions — a word dropped, two words swapped, the sentence cut short, a word repeated —
 * made from the question set: whatever the engine makes of them, it answers or declines, never
 * throws (a throw would surface as "the analysis failed on our side"), and every chart it gives
 * renders ("in 2025 2025" once compared a year with itself, which XChart could not draw).
 */
class PlannerRobustnessTest {
    private static final int VARIANTS = 800;

    @TempDir
    Path dir;

    @Test
    void everyMangledQuestionIsAnsweredOrDeclinedWithoutAnException() throws Exception {
        List<String> questions = questions();
        Random random = new Random(20261124L);
        List<String> failures = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            Datasets.createAll(connection, dir);
            List<TableSchema> schemas = Datasets.schemas(connection);
            AnalysisEngine engine = new AnalysisEngine(QuestionSetTest.CLOCK, AnalysisLimits.defaults());
            for (int index = 0; index < VARIANTS; index++) {
                String question = mangle(questions.get(random.nextInt(questions.size())), random);
                try {
                    AnalysisOutcome outcome = engine.analyze(connection, question, schemas);
                    assertThat(outcome.answer().text()).as(question).isNotBlank();
                    if (outcome instanceof AnalysisOutcome.Answered answered
                            && answered.answer().chart() != null
                            && answered.chartPng().isEmpty()) {
                        failures.add(question + " -> a chart without its image");
                    }
                } catch (RuntimeException e) {
                    failures.add(question + " -> " + e);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private static String mangle(String question, Random random) {
        List<String> words = new ArrayList<>(Arrays.asList(question.split(" ")));
        if (words.size() < 2) {
            return question;
        }
        int at = random.nextInt(words.size());
        switch (random.nextInt(4)) {
            case 0 -> words.remove(at);
            case 1 -> {
                int other = random.nextInt(words.size());
                String word = words.get(at);
                words.set(at, words.get(other));
                words.set(other, word);
            }
            case 2 -> words.subList(Math.max(1, at), words.size()).clear();
            default -> words.add(at, words.get(at));
        }
        return String.join(" ", words);
    }

    private static List<String> questions() throws Exception {
        List<String> questions = new ArrayList<>();
        try (InputStream in = PlannerRobustnessTest.class.getResourceAsStream("/analysis/questions.psv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] fields = line.split("\\|", -1);
                if (!line.startsWith("#") && fields.length >= 5) {
                    questions.add(fields[4]);
                }
            }
        }
        return questions;
    }
}
