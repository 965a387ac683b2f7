package com.claribi.analysis;

import com.claribi.analysis.AnalysisPayload.Chart;
import com.claribi.analysis.AnalysisPayload.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Vega-Lite v5 specs for answer charts, with the table's rows inlined (at most 500). */
final class Charts {
    static final String SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
    private static final int MAX_POINTS = 500;

    private Charts() {}

    private static List<Map<String, Object>> values(Table table) {
        List<Map<String, Object>> values = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            if (values.size() >= MAX_POINTS) {
                break;
            }
            Map<String, Object> value = new LinkedHashMap<>();
            for (int i = 0; i < table.columns().size() && i < row.size(); i++) {
                value.put(table.columns().get(i).name(), row.get(i));
            }
            values.add(value);
        }
        return values;
    }

    private static Map<String, Object> field(String name, String type, Object... extra) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("field", name);
        field.put("type", type);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            field.put(String.valueOf(extra[i]), extra[i + 1]);
        }
        return field;
    }

    private static Map<String, Object> spec(Table table, Object mark, Map<String, Object> encoding) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("$schema", SCHEMA);
        spec.put("data", Map.of("values", values(table)));
        spec.put("mark", mark);
        spec.put("encoding", encoding);
        return spec;
    }

    static Chart bar(Table table, List<ColumnInfo> dimensions, String metric, boolean share) {
        String x = dimensions.getFirst().name();
        Map<String, Object> encoding = new LinkedHashMap<>();
        encoding.put("x", field(x, "nominal", "sort", "-y"));
        encoding.put("y", field(metric, "quantitative"));
        if (dimensions.size() > 1) {
            encoding.put("color", field(dimensions.get(1).name(), "nominal"));
        }
        List<String> tooltip = new ArrayList<>();
        for (AnalysisPayload.Column column : table.columns()) {
            tooltip.add(column.name());
        }
        encoding.put(
                "tooltip", tooltip.stream().map(name -> Map.of("field", name)).toList());
        return new Chart("bar", x, share ? List.of(metric, "share") : List.of(metric), spec(table, "bar", encoding));
    }

    static Chart pie(Table table, String dimension, String metric) {
        Map<String, Object> encoding = new LinkedHashMap<>();
        encoding.put("theta", field(metric, "quantitative"));
        encoding.put("color", field(dimension, "nominal"));
        return new Chart("pie", dimension, List.of(metric), spec(table, "arc", encoding));
    }

    static Chart line(Table table, String dimension, String metric) {
        Map<String, Object> encoding = new LinkedHashMap<>();
        encoding.put("x", field("period", "temporal"));
        encoding.put("y", field(metric, "quantitative"));
        if (dimension != null) {
            encoding.put("color", field(dimension, "nominal"));
        }
        return new Chart(
                "line", "period", List.of(metric), spec(table, Map.of("type", "line", "point", true), encoding));
    }

    /** Two periods side by side per category: the table is folded into long form for Vega-Lite. */
    static Chart grouped(Table table, String dimension, String current, String previous) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("$schema", SCHEMA);
        spec.put("data", Map.of("values", values(table)));
        spec.put("transform", List.of(Map.of("fold", List.of(current, previous), "as", List.of("period", "value"))));
        spec.put("mark", "bar");
        Map<String, Object> encoding = new LinkedHashMap<>();
        encoding.put("x", field(dimension, "nominal"));
        encoding.put("xOffset", field("period", "nominal"));
        encoding.put("y", field("value", "quantitative"));
        encoding.put("color", field("period", "nominal"));
        spec.put("encoding", encoding);
        return new Chart("bar", dimension, List.of(current, previous), spec);
    }
}
