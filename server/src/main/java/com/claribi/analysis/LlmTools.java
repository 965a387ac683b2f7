package com.claribi.analysis;

import com.claribi.analysis.Plan.Condition;
import com.claribi.analysis.Plan.Op;
import com.claribi.analysis.llm.LlmClient;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The planner's tools as the language model sees them (JSON Schemas mirroring {@link Plan.Intent}),
 * the prompt describing the workspace's tables, and the conversion of a tool call into a {@link
 * Plan}. The conversion is the trust boundary: every column is looked up in the {@link
 * TableSchema} (identifiers in SQL come from the schema, never from the model), every operator and
 * aggregation is one of a closed set, values become bound parameters of the right type, and
 * anything else is an {@link Invalid} the caller answers by falling back to {@link Planner}.
 */
final class LlmTools {
    private LlmTools() {}

    static final String CANNOT_ANSWER = "cannot_answer";

    /** The model's tool call breaks the schema or names something the tables do not have. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Derived metrics the model may name instead of a column (see {@link Planner#buildDerived}). */
    static final Map<String, String> DERIVED = Map.ofEntries(
            Map.entry("margin", "margin"),
            Map.entry("profit", "profit"),
            Map.entry("ctr", "CTR"),
            Map.entry("cpc", "CPC"),
            Map.entry("cpa", "CPA"),
            Map.entry("conversion_rate", "conversion rate"),
            Map.entry("aov", "average order value"),
            Map.entry("roas", "ROAS"),
            Map.entry("cpm", "CPM"),
            Map.entry("arr", "ARR"),
            Map.entry("inventory_value", "inventory value"));

    private static String derivedKind(String key) {
        return key.equals("conversion_rate") ? "cvr" : key;
    }

    private static final int MAX_FILTERS = 10;
    private static final int MAX_VALUES = 50;
    private static final int MAX_VALUE_LENGTH = 200;
    private static final int MAX_TOP_N = 100;

    // ------------------------------------------------------------------ tool schemas

    static List<LlmClient.Tool> tools(JsonMapper mapper) {
        List<LlmClient.Tool> tools = new ArrayList<>();
        tools.add(tool(
                mapper,
                "aggregate",
                "One number: a total, average, count, minimum, maximum or median, optionally filtered and"
                        + " limited to a time range. 'What was total revenue last quarter?', 'how many orders"
                        + " from EMEA?'",
                List.of("table", "aggregation"),
                properties -> {}));
        tools.add(tool(
                mapper,
                "breakdown",
                "The metric per value of one or two columns. 'Revenue by region', 'orders by channel and region'.",
                List.of("table", "aggregation", "group_by"),
                properties -> properties.set("group_by", columnArray(mapper, 1, 2, "columns to group by"))));
        tools.add(tool(
                mapper,
                "top_n",
                "Rank the values of a column (or time periods) by the metric. n = 1 answers 'which X had the"
                        + " highest/lowest …' with one value; 'top 5 products by revenue' is n = 5. To rank periods"
                        + " ('which month had the most orders') give grain instead of dimension.",
                List.of("table", "aggregation"),
                properties -> {
                    properties.set("dimension", string(mapper, "the column whose values are ranked"));
                    properties.set("grain", grain(mapper, "rank periods of this length instead of a column"));
                    properties
                            .putObject("n")
                            .put("type", "integer")
                            .put("minimum", 1)
                            .put("maximum", MAX_TOP_N)
                            .put("description", "how many to return (1 for 'which …'); default 5");
                    properties.set(
                            "order",
                            enumOf(mapper, "descending for highest, ascending for lowest", "descending", "ascending"));
                }));
        tools.add(tool(
                mapper,
                "trend",
                "The metric per period over time ('monthly revenue', 'signups over time'), optionally per value"
                        + " of one column.",
                List.of("table", "aggregation", "grain"),
                properties -> {
                    properties.set("grain", grain(mapper, "the period length"));
                    properties.set("group_by", columnArray(mapper, 0, 1, "an optional column to split the lines by"));
                }));
        tools.add(tool(
                mapper,
                "compare_periods",
                "The metric in one period against another ('Q2 2025 vs Q2 2024', 'this month vs last month'),"
                        + " optionally per value of one column. time_range is not used: give period and"
                        + " compared_with.",
                List.of("table", "aggregation", "period", "compared_with"),
                properties -> {
                    properties.set("period", range(mapper, "the current (later) period, inclusive"));
                    properties.set("compared_with", range(mapper, "the period it is compared with, inclusive"));
                    properties.set("group_by", columnArray(mapper, 0, 1, "an optional column to compare per value"));
                }));
        tools.add(tool(
                mapper,
                "share",
                "Shares of the total: either per value of a dimension ('share of revenue by region'), or the"
                        + " share of one part named by part_filters ('what share of revenue came from EMEA').",
                List.of("table", "aggregation"),
                properties -> {
                    properties.set("dimension", string(mapper, "the column whose values split the total"));
                    properties.set(
                            "part_filters",
                            filters(mapper, "equality filters (=, in, !=) naming the part; 'filters' bound the whole"));
                }));
        tools.add(tool(
                mapper,
                "yes_no",
                "A yes/no question. check = exists: does any row match the filters ('did we sell anything in"
                        + " LATAM in March?'); threshold: is the metric above/below a number ('was revenue over"
                        + " 1M in 2025?'); compare_periods: is the metric in time_range above/below compared_with"
                        + " ('did revenue grow in Q2 vs Q1?', comparator >).",
                List.of("table", "check"),
                properties -> {
                    properties.set(
                            "check",
                            enumOf(mapper, "what decides the answer", "exists", "threshold", "compare_periods"));
                    properties.set(
                            "comparator", enumOf(mapper, "for threshold and compare_periods", ">", ">=", "<", "<="));
                    properties.putObject("threshold").put("type", "number").put("description", "for check = threshold");
                    properties.set("compared_with", range(mapper, "for check = compare_periods"));
                }));
        tools.add(tool(
                mapper,
                "list",
                "The distinct values of a column, optionally filtered ('list the products in the Toys"
                        + " category', 'which countries do we sell to?').",
                List.of("table", "column"),
                properties -> properties.set("column", string(mapper, "the column whose distinct values are listed"))));
        tools.add(tool(
                mapper,
                "lookup",
                "The value of one column for the rows the filters name ('what plan is Acme on?': column plan,"
                        + " filter customer = Acme).",
                List.of("table", "column", "filters"),
                properties -> properties.set("column", string(mapper, "the column to read"))));
        ObjectNode cannot = mapper.createObjectNode().put("type", "object");
        cannot.putObject("properties")
                .putObject("reason")
                .put("type", "string")
                .put("description", "why the listed tables cannot answer the question");
        cannot.putArray("required").add("reason");
        tools.add(new LlmClient.Tool(
                CANNOT_ANSWER,
                "Use when no listed table and column can answer the question (a column it needs does not"
                        + " exist, the question asks for a forecast, or it is not a question about the data).",
                cannot));
        return List.copyOf(tools);
    }

    private interface Extra {
        void add(ObjectNode properties);
    }

    private static LlmClient.Tool tool(
            JsonMapper mapper, String name, String description, List<String> required, Extra extra) {
        ObjectNode schema = mapper.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.set("table", string(mapper, "the table to answer from, exactly as listed"));
        boolean noMetric = name.equals("list") || name.equals("lookup");
        if (!noMetric) {
            properties.set(
                    "metric",
                    string(
                            mapper,
                            "the numeric column to aggregate, or a derived metric listed for the table;"
                                    + " omit when counting rows (aggregation count)"));
            properties.set(
                    "aggregation",
                    enumOf(
                            mapper,
                            "count = number of rows; count_distinct = number of distinct values of metric (any"
                                    + " column); the others need a numeric column. Ignored for a derived metric.",
                            "sum",
                            "avg",
                            "median",
                            "min",
                            "max",
                            "count",
                            "count_distinct"));
        }
        properties.set("filters", filters(mapper, "row filters, all of which must hold"));
        if (!name.equals("compare_periods")) {
            properties.set("time_range", range(mapper, "limit the rows to this date range, inclusive"));
        }
        properties.set(
                "time_column",
                string(
                        mapper,
                        "the date column for time_range, grain and periods; default: the table's main date column"));
        properties.set(
                "notes",
                mapper.createObjectNode()
                        .put("type", "array")
                        .put("maxItems", 3)
                        .put("description", "short assumptions to tell the user, e.g. how 'last quarter' was read")
                        .set(
                                "items",
                                mapper.createObjectNode().put("type", "string").put("maxLength", 300)));
        extra.add(properties);
        ArrayNode requiredArray = schema.putArray("required");
        required.forEach(requiredArray::add);
        return new LlmClient.Tool(name, description, schema);
    }

    private static ObjectNode string(JsonMapper mapper, String description) {
        return mapper.createObjectNode().put("type", "string").put("description", description);
    }

    private static ObjectNode enumOf(JsonMapper mapper, String description, String... values) {
        ObjectNode node = mapper.createObjectNode().put("type", "string").put("description", description);
        ArrayNode array = node.putArray("enum");
        for (String value : values) {
            array.add(value);
        }
        return node;
    }

    private static ObjectNode grain(JsonMapper mapper, String description) {
        return enumOf(mapper, description, "day", "week", "month", "quarter", "year");
    }

    private static ObjectNode columnArray(JsonMapper mapper, int min, int max, String description) {
        ObjectNode node = mapper.createObjectNode()
                .put("type", "array")
                .put("minItems", min)
                .put("maxItems", max)
                .put("description", description);
        node.putObject("items").put("type", "string");
        return node;
    }

    private static ObjectNode range(JsonMapper mapper, String description) {
        ObjectNode node = mapper.createObjectNode().put("type", "object").put("description", description);
        ObjectNode properties = node.putObject("properties");
        properties
                .putObject("start")
                .put("type", "string")
                .put("format", "date")
                .put("description", "YYYY-MM-DD");
        properties.putObject("end").put("type", "string").put("format", "date").put("description", "YYYY-MM-DD");
        node.putArray("required").add("start").add("end");
        return node;
    }

    private static ObjectNode filters(JsonMapper mapper, String description) {
        ObjectNode node = mapper.createObjectNode()
                .put("type", "array")
                .put("maxItems", MAX_FILTERS)
                .put("description", description);
        ObjectNode item = node.putObject("items").put("type", "object");
        ObjectNode properties = item.putObject("properties");
        properties.set("column", string(mapper, "a column of the table"));
        properties.set(
                "op",
                enumOf(
                        mapper,
                        "= and != take one value, in several, between two; >, >=, <, <= and between need a numeric column",
                        "=",
                        "!=",
                        "in",
                        ">",
                        ">=",
                        "<",
                        "<=",
                        "between"));
        ObjectNode values = properties
                .putObject("values")
                .put("type", "array")
                .put("minItems", 1)
                .put("maxItems", MAX_VALUES);
        values.putObject("items").putArray("type").add("string").add("number");
        item.putArray("required").add("column").add("op").add("values");
        return node;
    }

    // ------------------------------------------------------------------ prompt

    static String system() {
        return """
                You plan questions about a company's data for clariBI, a business-intelligence engine. \
                Call exactly one tool. clariBI runs the tool itself with safe, parameterised queries: \
                never write SQL. Use only the tables and columns listed, spelled exactly as listed. \
                Dates are YYYY-MM-DD and ranges are inclusive. Read relative time phrases ("last quarter", \
                "this year", "last 30 days") as calendar periods against today's date given below; weeks \
                start on Monday. If that period has no data (outside the date column's range), read the \
                phrase against the latest date in the data instead and say so in notes. Prices, rates, \
                scores and percentages are averaged (avg), amounts and quantities summed (sum); "how many \
                <rows of the table>" is count, "how many different customers" is count_distinct. Filter \
                values must be values that occur in the column (the listed values show their spelling). \
                If no table can answer the question (a needed column is missing, a forecast is asked, or \
                it is not about the data), call cannot_answer.""";
    }

    /** The user message: today's date, the tables with their columns, then the question. */
    static String user(String question, List<TableSchema> tables, LocalDate today) {
        StringBuilder text = new StringBuilder();
        text.append("Today's date: ").append(today).append('\n');
        text.append("Tables:\n");
        for (TableSchema table : tables) {
            text.append("- table \"")
                    .append(table.table())
                    .append("\" (data source \"")
                    .append(clip(table.name(), 120))
                    .append('"');
            if (table.rowCount() >= 0) {
                text.append(", ").append(table.rowCount()).append(" rows");
            }
            text.append(")\n");
            for (ColumnInfo column : table.columns()) {
                text.append("  - \"")
                        .append(column.name())
                        .append("\" ")
                        .append(column.type())
                        .append(", ")
                        .append(column.role().name().toLowerCase(Locale.ROOT));
                if (column.min() != null && column.max() != null) {
                    text.append(", from ")
                            .append(clip(column.min(), 40))
                            .append(" to ")
                            .append(clip(column.max(), 40));
                }
                if (!column.values().isEmpty()) {
                    List<String> shown = column.values().stream()
                            .limit(10)
                            .map(value -> "\"" + clip(value, 60) + "\"")
                            .toList();
                    text.append(", values: ").append(String.join(", ", shown));
                    long more = Math.max(column.distinctCount(), column.values().size()) - shown.size();
                    if (more > 0) {
                        text.append(" and ").append(more).append(" more");
                    }
                }
                text.append('\n');
            }
            List<String> derived = DERIVED.keySet().stream()
                    .sorted()
                    .filter(key -> Planner.buildDerived(derivedKind(key), DERIVED.get(key), table) != null)
                    .toList();
            if (!derived.isEmpty()) {
                text.append("  derived metrics: ")
                        .append(String.join(", ", derived))
                        .append('\n');
            }
        }
        text.append("Question: ").append(question);
        return text.toString();
    }

    private static String clip(String text, int max) {
        String flat = text.replaceAll("[\\p{Cntrl}]", " ");
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }

    // ------------------------------------------------------------------ tool call → plan

    /**
     * The plan for tool {@code name} called with {@code arguments}; never for {@link #CANNOT_ANSWER}.
     *
     * @throws Invalid when the call breaks its schema or names anything the tables lack
     */
    static Plan toPlan(String name, JsonNode arguments, List<TableSchema> tables) {
        if (!arguments.isObject()) {
            throw new Invalid("the arguments are not an object");
        }
        Reader reader = new Reader(arguments, table(arguments, tables));
        Plan plan = new Plan(reader.table);
        switch (name) {
            case "aggregate" -> {
                plan.intent = Plan.Intent.AGGREGATE;
                reader.common(plan, true);
            }
            case "breakdown" -> {
                plan.intent = Plan.Intent.BREAKDOWN;
                reader.common(plan, true);
                plan.dimensions.addAll(reader.groupColumns("group_by", 1, 2));
            }
            case "top_n" -> {
                reader.common(plan, true);
                int n = reader.integer("n", 5, 1, MAX_TOP_N);
                plan.ascending = reader.enumText("order", "descending", "descending", "ascending")
                        .equals("ascending");
                String grain = reader.optionalText("grain");
                String dimension = reader.optionalText("dimension");
                if (grain != null && dimension == null) {
                    plan.intent = Plan.Intent.WHICH;
                    plan.periodAnswer = true;
                    plan.grain = reader.grain("grain");
                    reader.requireTime(plan, "grain");
                } else if (dimension != null && grain == null) {
                    plan.intent = n == 1 ? Plan.Intent.WHICH : Plan.Intent.TOP_N;
                    plan.limit = n;
                    plan.dimensions.add(reader.groupColumn(dimension, "dimension"));
                } else {
                    throw new Invalid("top_n needs either dimension or grain");
                }
            }
            case "trend" -> {
                plan.intent = Plan.Intent.TREND;
                reader.common(plan, true);
                plan.grain = reader.grain("grain");
                reader.requireTime(plan, "grain");
                plan.dimensions.addAll(reader.groupColumns("group_by", 0, 1));
            }
            case "compare_periods" -> {
                plan.intent = Plan.Intent.COMPARE;
                reader.common(plan, true);
                reader.requireTime(plan, "period");
                plan.window = reader.range("period", true);
                plan.compareWindow = reader.range("compared_with", true);
                plan.dimensions.addAll(reader.groupColumns("group_by", 0, 1));
            }
            case "share" -> {
                plan.intent = Plan.Intent.SHARE;
                reader.common(plan, true);
                String dimension = reader.optionalText("dimension");
                List<Condition> part = reader.conditions("part_filters");
                if (dimension != null && part.isEmpty()) {
                    plan.dimensions.add(reader.groupColumn(dimension, "dimension"));
                    if (!plan.metric.summable()) {
                        throw new Invalid("a share needs a sum or a count, not " + plan.metric.aggregation());
                    }
                } else if (dimension == null && !part.isEmpty()) {
                    for (Condition condition : part) {
                        if (!isValueFilter(condition)) {
                            throw new Invalid("part_filters take =, in or != on a non-measure column");
                        }
                    }
                    for (Condition condition : plan.filters) {
                        if (isValueFilter(condition)) {
                            throw new Invalid("an equality filter on '"
                                    + condition.column().name() + "' belongs in part_filters");
                        }
                    }
                    if (!plan.shareOfFilteredAllowed(plan.metric)) {
                        throw new Invalid("a share needs a sum or a count, not " + plan.metric.aggregation());
                    }
                    plan.filters.addAll(part);
                    plan.shareOfFiltered = true;
                } else {
                    throw new Invalid("share needs either dimension or part_filters");
                }
            }
            case "yes_no" -> {
                plan.intent = Plan.Intent.YES_NO;
                String check = reader.enumText("check", null, "exists", "threshold", "compare_periods");
                switch (check) {
                    case "exists" -> {
                        plan.yesNo = Plan.YesNoKind.EXISTS;
                        reader.common(plan, false);
                        plan.metric = Metric.rows(Planner.tableNoun(reader.table));
                    }
                    case "threshold" -> {
                        plan.yesNo = Plan.YesNoKind.THRESHOLD;
                        reader.common(plan, true);
                        plan.comparator = reader.comparator();
                        plan.threshold = reader.number("threshold");
                    }
                    default -> {
                        plan.yesNo = Plan.YesNoKind.PERIODS;
                        reader.common(plan, true);
                        reader.requireTime(plan, "compared_with");
                        if (plan.window == null) {
                            throw new Invalid("check compare_periods needs time_range and compared_with");
                        }
                        plan.compareWindow = reader.range("compared_with", true);
                        plan.comparator = reader.comparator();
                    }
                }
            }
            case "list" -> {
                plan.intent = Plan.Intent.LIST;
                reader.common(plan, false);
                plan.metric = Metric.rows(Planner.tableNoun(reader.table));
                plan.dimensions.add(reader.column(reader.text("column"), "column"));
            }
            case "lookup" -> {
                plan.intent = Plan.Intent.LOOKUP;
                reader.common(plan, false);
                plan.metric = Metric.rows(Planner.tableNoun(reader.table));
                plan.target = reader.column(reader.text("column"), "column");
                if (plan.filters.isEmpty()) {
                    throw new Invalid("lookup needs filters naming the rows");
                }
            }
            default -> throw new Invalid("there is no tool '" + clip(name, 40) + "'");
        }
        return plan;
    }

    private static boolean isValueFilter(Condition condition) {
        return (condition.op() == Op.EQ || condition.op() == Op.IN || condition.op() == Op.NE)
                && condition.column().role() != ColumnRole.MEASURE;
    }

    private static TableSchema table(JsonNode arguments, List<TableSchema> tables) {
        JsonNode node = arguments.path("table");
        if (!node.isString()) {
            throw new Invalid("table must be a string naming a listed table");
        }
        String name = node.asString();
        for (TableSchema table : tables) {
            if (table.table().equals(name)) {
                return table;
            }
        }
        for (TableSchema table : tables) {
            if (table.table().equalsIgnoreCase(name) || table.name().equalsIgnoreCase(name)) {
                return table;
            }
        }
        throw new Invalid("there is no table '" + clip(name, 60) + "'");
    }

    /** Reads and checks one tool call's arguments against one table. */
    private static final class Reader {
        private final JsonNode arguments;
        private final TableSchema table;

        Reader(JsonNode arguments, TableSchema table) {
            this.arguments = arguments;
            this.table = table;
        }

        /** metric (when {@code metric}), filters, time column, time_range, notes. */
        void common(Plan plan, boolean metric) {
            plan.metric = metric ? metric() : Metric.rows(Planner.tableNoun(table));
            plan.filters.addAll(conditions("filters"));
            String timeName = optionalText("time_column");
            if (timeName != null) {
                ColumnInfo time = column(timeName, "time_column");
                if (!time.isTemporal() && time.role() != ColumnRole.TIME) {
                    throw new Invalid("time_column '" + time.name() + "' is not a date column");
                }
                plan.timeColumn = time;
            } else {
                plan.timeColumn = Planner.timeColumn(table);
            }
            if (arguments.has("time_range") && !arguments.path("time_range").isNull()) {
                requireTime(plan, "time_range");
                plan.window = range("time_range", false);
            }
            JsonNode notes = arguments.path("notes");
            if (notes.isArray()) {
                int count = 0;
                for (JsonNode note : notes) {
                    if (note.isString() && !note.asString().isBlank() && count++ < 3) {
                        plan.notes.add("The language model noted: "
                                + clip(note.asString().strip(), 300));
                    }
                }
            }
        }

        void requireTime(Plan plan, String field) {
            if (plan.timeColumn == null) {
                throw new Invalid(field + " needs a date column and '" + table.table() + "' has none");
            }
        }

        Metric metric() {
            String aggregation =
                    enumText("aggregation", null, "sum", "avg", "median", "min", "max", "count", "count_distinct");
            String metricName = optionalText("metric");
            if (metricName != null && table.column(metricName).isEmpty()) {
                String key = metricName.toLowerCase(Locale.ROOT).replace(' ', '_');
                if (DERIVED.containsKey(key)) {
                    Metric derived = Planner.buildDerived(derivedKind(key), DERIVED.get(key), table);
                    if (derived == null) {
                        throw new Invalid("'" + table.table() + "' lacks the columns " + key + " needs");
                    }
                    return derived;
                }
            }
            if (aggregation.equals("count")) {
                return Metric.rows(Planner.tableNoun(table));
            }
            if (metricName == null) {
                throw new Invalid("aggregation " + aggregation + " needs a metric column");
            }
            ColumnInfo column = column(metricName, "metric");
            if (!aggregation.equals("count_distinct") && !column.isNumeric()) {
                throw new Invalid("'" + column.name() + "' is " + column.type() + ", not a number to " + aggregation);
            }
            return Metric.of(aggregation, column);
        }

        ColumnInfo column(String name, String field) {
            var exact = table.column(name);
            if (exact.isPresent()) {
                return exact.get();
            }
            List<ColumnInfo> folded = table.columns().stream()
                    .filter(c -> c.name().equalsIgnoreCase(name))
                    .toList();
            if (folded.size() == 1) {
                return folded.getFirst();
            }
            throw new Invalid(field + ": '" + table.table() + "' has no column '" + clip(name, 60) + "'");
        }

        ColumnInfo groupColumn(String name, String field) {
            ColumnInfo column = column(name, field);
            if (column.role() == ColumnRole.MEASURE) {
                throw new Invalid(field + ": '" + column.name() + "' is a measure, not something to group by");
            }
            if (column.role() == ColumnRole.TIME || column.isTemporal()) {
                throw new Invalid(field + ": '" + column.name() + "' is a date; use trend with a grain");
            }
            return column;
        }

        List<ColumnInfo> groupColumns(String field, int min, int max) {
            JsonNode node = arguments.path(field);
            List<ColumnInfo> columns = new ArrayList<>();
            if (node.isMissingNode() || node.isNull()) {
                if (min > 0) {
                    throw new Invalid(field + " is required");
                }
                return columns;
            }
            if (!node.isArray()) {
                throw new Invalid(field + " must be an array of column names");
            }
            for (JsonNode item : node) {
                if (!item.isString()) {
                    throw new Invalid(field + " must hold column names");
                }
                ColumnInfo column = groupColumn(item.asString(), field);
                if (!columns.contains(column)) {
                    columns.add(column);
                }
            }
            if (columns.size() < min || columns.size() > max) {
                throw new Invalid(field + " takes " + (min == max ? min : min + " to " + max) + " columns");
            }
            return columns;
        }

        List<Condition> conditions(String field) {
            JsonNode node = arguments.path(field);
            List<Condition> conditions = new ArrayList<>();
            if (node.isMissingNode() || node.isNull()) {
                return conditions;
            }
            if (!node.isArray() || node.size() > MAX_FILTERS) {
                throw new Invalid(field + " must be an array of at most " + MAX_FILTERS + " filters");
            }
            for (JsonNode filter : node) {
                if (!filter.isObject()
                        || !filter.path("column").isString()
                        || !filter.path("op").isString()) {
                    throw new Invalid(field + ": each filter needs column, op and values");
                }
                ColumnInfo column = column(filter.path("column").asString(), field);
                if (column.isTemporal() || column.role() == ColumnRole.TIME) {
                    throw new Invalid(field + ": filter dates with time_range, not on '" + column.name() + "'");
                }
                Op op = switch (filter.path("op").asString()) {
                    case "=" -> Op.EQ;
                    case "!=" -> Op.NE;
                    case "in" -> Op.IN;
                    case ">" -> Op.GT;
                    case ">=" -> Op.GE;
                    case "<" -> Op.LT;
                    case "<=" -> Op.LE;
                    case "between" -> Op.BETWEEN;
                    default ->
                        throw new Invalid(field + ": unknown operator '"
                                + clip(filter.path("op").asString(), 20) + "'");
                };
                boolean numeric = column.isNumeric();
                if (!numeric && op != Op.EQ && op != Op.NE && op != Op.IN) {
                    throw new Invalid(field + ": '" + column.name() + "' is text; only =, != and in apply");
                }
                JsonNode valuesNode = filter.path("values");
                if (!valuesNode.isArray() || valuesNode.isEmpty() || valuesNode.size() > MAX_VALUES) {
                    throw new Invalid(field + ": values must be an array of 1 to " + MAX_VALUES + " values");
                }
                List<Object> values = new ArrayList<>();
                for (JsonNode value : valuesNode) {
                    values.add(numeric ? number(value, column) : text(value, column));
                }
                int count = values.size();
                if (op == Op.EQ && count > 1) {
                    op = Op.IN;
                } else if (op == Op.IN && count == 1) {
                    op = Op.EQ;
                }
                if ((op == Op.BETWEEN && count != 2) || (op != Op.BETWEEN && op != Op.IN && count != 1)) {
                    throw new Invalid(field + ": " + op.symbol + " on '" + column.name() + "' takes "
                            + (op == Op.BETWEEN ? "two values" : "one value"));
                }
                if (op == Op.BETWEEN && ((Double) values.get(0)) > ((Double) values.get(1))) {
                    values = List.of(values.get(1), values.get(0));
                }
                conditions.add(new Condition(column, op, values));
            }
            return conditions;
        }

        private static Double number(JsonNode value, ColumnInfo column) {
            if (value.isNumber() && Double.isFinite(value.asDouble())) {
                return value.asDouble();
            }
            if (value.isString()) {
                Double parsed = Planner.parseDouble(value.asString().strip());
                if (parsed != null && Double.isFinite(parsed)) {
                    return parsed;
                }
            }
            throw new Invalid(
                    "'" + column.name() + "' is numeric; '" + clip(value.toString(), 40) + "' is not a number");
        }

        /** A text value, bound as a parameter; its spelling is taken from the column's values when it matches one. */
        private static String text(JsonNode value, ColumnInfo column) {
            String text;
            if (value.isString()) {
                text = value.asString();
            } else if (value.isNumber()) {
                double number = value.asDouble();
                text = number == Math.rint(number) && Math.abs(number) < 1e15
                        ? String.valueOf((long) number)
                        : String.valueOf(number);
            } else {
                throw new Invalid("filter values on '" + column.name() + "' must be strings");
            }
            if (text.isEmpty() || text.length() > MAX_VALUE_LENGTH) {
                throw new Invalid("filter values must have 1 to " + MAX_VALUE_LENGTH + " characters");
            }
            for (String known : column.values()) {
                if (known.equalsIgnoreCase(text)) {
                    return known;
                }
            }
            return text;
        }

        Window range(String field, boolean required) {
            JsonNode node = arguments.path(field);
            if (node.isMissingNode() || node.isNull()) {
                if (required) {
                    throw new Invalid(field + " is required");
                }
                return null;
            }
            LocalDate start = date(node.path("start"), field);
            LocalDate end = date(node.path("end"), field);
            if (end.isBefore(start)) {
                throw new Invalid(field + " ends before it starts");
            }
            return TimePhrases.labelled(start, end, Window.Unit.RANGE, null);
        }

        private static LocalDate date(JsonNode node, String field) {
            if (!node.isString()) {
                throw new Invalid(field + " needs start and end dates (YYYY-MM-DD)");
            }
            String text = node.asString().strip();
            try {
                LocalDate date = LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
                if (date.getYear() < 1000 || date.getYear() > 9999) {
                    throw new Invalid(field + ": " + date + " is out of range");
                }
                return date;
            } catch (DateTimeParseException e) {
                throw new Invalid(field + ": '" + clip(text, 30) + "' is not a date (YYYY-MM-DD)");
            }
        }

        Plan.Grain grain(String field) {
            return Plan.Grain.valueOf(enumText(field, null, "day", "week", "month", "quarter", "year")
                    .toUpperCase(Locale.ROOT));
        }

        Op comparator() {
            return switch (enumText("comparator", null, ">", ">=", "<", "<=")) {
                case ">" -> Op.GT;
                case ">=" -> Op.GE;
                case "<" -> Op.LT;
                default -> Op.LE;
            };
        }

        double number(String field) {
            JsonNode node = arguments.path(field);
            if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
                throw new Invalid(field + " must be a number");
            }
            return node.asDouble();
        }

        int integer(String field, int fallback, int min, int max) {
            JsonNode node = arguments.path(field);
            if (node.isMissingNode() || node.isNull()) {
                return fallback;
            }
            if (!node.isNumber() || node.asDouble() != Math.rint(node.asDouble())) {
                throw new Invalid(field + " must be a whole number");
            }
            double value = node.asDouble();
            if (value < min || value > max) {
                throw new Invalid(field + " must be between " + min + " and " + max);
            }
            return (int) value;
        }

        String text(String field) {
            String value = optionalText(field);
            if (value == null) {
                throw new Invalid(field + " is required");
            }
            return value;
        }

        String optionalText(String field) {
            JsonNode node = arguments.path(field);
            if (node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (!node.isString()) {
                throw new Invalid(field + " must be a string");
            }
            String value = node.asString().strip();
            return value.isEmpty() ? null : value;
        }

        String enumText(String field, String fallback, String... allowed) {
            String value = optionalText(field);
            if (value == null) {
                if (fallback == null) {
                    throw new Invalid(field + " is required");
                }
                return fallback;
            }
            for (String option : allowed) {
                if (option.equals(value.toLowerCase(Locale.ROOT))) {
                    return option;
                }
            }
            throw new Invalid(field + " must be one of " + String.join(", ", allowed));
        }
    }
}
