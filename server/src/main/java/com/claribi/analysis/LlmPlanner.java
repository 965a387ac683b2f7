package com.claribi.analysis;

import com.claribi.analysis.AnalysisPayload.ToolCall;
import com.claribi.analysis.llm.LlmClient;
import com.claribi.platform.Config;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The optional LLM planner (issue 6 §6): a chat model chooses one of the planner's tools ({@link
 * LlmTools}) for a question; the call is validated against the tables and turned into the same
 * {@link Plan} the deterministic {@link Planner} builds, then run by the same SQL path. It never
 * produces SQL. Any failure is an {@link Attempt.Fallback}; the engine then asks {@link Planner}.
 * Thread-safe; close it to stop its HTTP client.
 */
public final class LlmPlanner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LlmPlanner.class);

    /** About 25k tokens: a workspace described at more length than this is planned deterministically. */
    static final int MAX_PROMPT_CHARACTERS = 100_000;

    private final LlmClient client;
    private final List<LlmClient.Tool> tools;

    public LlmPlanner(LlmClient client, JsonMapper mapper) {
        this.client = Objects.requireNonNull(client, "client");
        this.tools = LlmTools.tools(mapper);
    }

    /** The planner for {@code config}, or empty when {@code CLARIBI_LLM_PROVIDER} is unset. */
    public static Optional<LlmPlanner> create(Config.Llm config, JsonMapper mapper) {
        return LlmClient.create(config, LlmClient.Limits.defaults(), mapper)
                .map(client -> new LlmPlanner(client, mapper));
    }

    /** What asking the model gave. {@code ms} is the whole attempt (the HTTP call and validation). */
    sealed interface Attempt {
        long ms();

        /** A valid plan from the model. */
        record Planned(Plan plan, String tool, long ms) implements Attempt {}

        /** The model called cannot_answer; the deterministic planner gets the last word. */
        record Declined(String reason, long ms) implements Attempt {}

        /** No usable plan (network, timeout, HTTP status, no tool call, invalid arguments). */
        record Fallback(String reason, long ms) implements Attempt {}
    }

    /** "openai gpt-4.1-mini": what notes and the trace call this planner. */
    String label() {
        return client.provider().id() + " " + client.model();
    }

    Attempt plan(String question, List<TableSchema> tables, LocalDate today) {
        long started = System.nanoTime();
        if (tables.isEmpty()) {
            return new Attempt.Fallback("no tables", 0);
        }
        String user = LlmTools.user(question, tables, today);
        if (user.length() > MAX_PROMPT_CHARACTERS) {
            return logged(new Attempt.Fallback(
                    "the tables' description is too long for one prompt (" + user.length() + " characters)",
                    elapsed(started)));
        }
        LlmClient.Reply reply = client.call(LlmTools.system(), user, tools);
        Attempt attempt = switch (reply) {
            case LlmClient.Reply.Failed failed -> new Attempt.Fallback(failed.reason(), elapsed(started));
            case LlmClient.Reply.Called called
            when called.name().equals(LlmTools.CANNOT_ANSWER) ->
                new Attempt.Declined(
                        called.arguments().path("reason").asString("").strip(), elapsed(started));
            case LlmClient.Reply.Called called -> {
                try {
                    Plan plan = LlmTools.toPlan(called.name(), called.arguments(), tables);
                    String outside = AnalysisEngine.outsideData(plan);
                    if (outside != null) {
                        // Planner re-reads relative phrases against the data's dates, or refuses honestly
                        yield new Attempt.Fallback(
                                "the planned period is outside the data: " + outside, elapsed(started));
                    }
                    plan.notes.addFirst("Planned by the language model (" + label() + ").");
                    if (plan.window != null && plan.window.reading() == null) {
                        plan.notes.add("Time range: " + plan.window.start() + " to " + plan.window.end()
                                + (plan.compareWindow == null
                                        ? ""
                                        : ", compared with " + plan.compareWindow.start() + " to "
                                                + plan.compareWindow.end())
                                + ".");
                    }
                    if (tables.size() > 1) {
                        plan.notes.add("Answered from '" + plan.table.name() + "'.");
                    }
                    yield new Attempt.Planned(plan, called.name(), elapsed(started));
                } catch (LlmTools.Invalid e) {
                    yield new Attempt.Fallback(
                            "invalid " + called.name() + " call: " + e.getMessage(), elapsed(started));
                }
            }
        };
        return logged(attempt);
    }

    private Attempt logged(Attempt attempt) {
        if (attempt instanceof Attempt.Fallback fallback) {
            log.info("LLM planner ({}) fell back to the built-in planner: {}", label(), fallback.reason());
        }
        return attempt;
    }

    /** The {@code llm_plan} entry of the tool trace. */
    ToolCall traceStep(Attempt attempt) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("provider", client.provider().id());
        arguments.put("model", client.model());
        switch (attempt) {
            case Attempt.Planned planned -> {
                arguments.put("outcome", "planned");
                arguments.put("tool", planned.tool());
            }
            case Attempt.Declined declined -> {
                arguments.put("outcome", "declined");
                arguments.put("reason", clip(declined.reason()));
            }
            case Attempt.Fallback fallback -> {
                arguments.put("outcome", "fallback");
                arguments.put("reason", clip(fallback.reason()));
            }
        }
        return new ToolCall("llm_plan", arguments, 0, attempt.ms());
    }

    private static String clip(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public String toString() {
        return "LlmPlanner[" + client + "]";
    }

    @Override
    public void close() {
        client.close();
    }
}
