package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON: an array of objects, newline-delimited objects, or one object wrapping an array of objects
 * (the first such field, as in {@code {"data": [...], "meta": {...}}}). Jackson streams the file
 * twice under {@link StreamReadConstraints} (depth, document size, string and number length): once
 * to find the shape, once to write flattened newline-delimited JSON next to the raw file (nested
 * objects become {@code a.b} keys; arrays stay arrays and load as DuckDB lists), which DuckDB's
 * {@code read_json} then loads with types inferred from every row.
 */
final class JsonLoader {
    private JsonLoader() {}

    private enum Shape {
        ROWS_AT_ROOT,
        ARRAY_AT_ROOT
    }

    private record Layout(Shape shape, Optional<String> wrappingField) {}

    static LoadedTable load(
            Path file, String tableName, String sourceName, StagedTables staged, IngestLimits limits, Deadline deadline)
            throws SQLException {
        JsonFactory factory = factory(limits);
        Layout layout = layout(file, factory, deadline);
        Path flattened = file.resolveSibling(file.getFileName() + ".ndjson.tmp");
        try {
            Set<String> keys = flatten(file, flattened, factory, layout, limits, deadline);
            if (keys.size() > limits.maxColumns()) {
                throw new ClariException(
                        ErrorCode.TOO_LARGE,
                        "the objects have " + String.format(Locale.ROOT, "%,d", keys.size())
                                + " distinct fields; at most " + String.format(Locale.ROOT, "%,d", limits.maxColumns())
                                + " columns are supported");
            }
            String target = staged.stagingFor(tableName);
            if (keys.isEmpty()) {
                throw ClariException.invalid("the JSON holds no objects with fields to load");
            }
            try {
                Sql.execute(
                        staged.connection(),
                        "CREATE TABLE " + Sql.ident(target) + " AS SELECT * FROM read_json("
                                + Sql.literal(flattened.toString())
                                + ", format = 'newline_delimited', records = true, sample_size = -1, maximum_depth = "
                                + limits.maxJsonDepth() + ", maximum_object_size = "
                                + Math.min(Integer.MAX_VALUE, limits.maxJsonBytes())
                                + ")",
                        deadline);
            } catch (SQLException e) {
                deadline.check();
                throw new ClariException(ErrorCode.INVALID_ARGUMENT, "the JSON could not be loaded as a table", e);
            }
            return new LoadedTable(
                    tableName,
                    sourceName,
                    CsvLoader.count(staged.connection(), target),
                    CsvLoader.columns(staged.connection(), target).size());
        } finally {
            try {
                Files.deleteIfExists(flattened);
            } catch (IOException ignored) {
                // removed with the workspace folder
            }
        }
    }

    static JsonFactory factory(IngestLimits limits) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxJsonDepth())
                        .maxDocumentLength(limits.maxJsonBytes())
                        .maxStringLength(limits.maxFieldBytes())
                        .maxNumberLength(1000)
                        .maxNameLength(10_000)
                        .build())
                .build();
    }

    private static Layout layout(Path file, JsonFactory factory, Deadline deadline) {
        try (InputStream in = Files.newInputStream(file);
                JsonParser parser = factory.createParser(ObjectReadContext.empty(), in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw ClariException.invalid("the JSON file is empty");
            }
            if (first == JsonToken.START_ARRAY) {
                skipRest(parser, deadline);
                return new Layout(Shape.ARRAY_AT_ROOT, Optional.empty());
            }
            if (first != JsonToken.START_OBJECT) {
                throw ClariException.invalid(
                        "the JSON must be an array of objects, objects one per line, or an object wrapping an array");
            }
            Optional<String> wrapping = Optional.empty();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_ARRAY && wrapping.isEmpty()) {
                    JsonToken element = parser.nextToken();
                    if (element == JsonToken.START_OBJECT) {
                        wrapping = Optional.of(name);
                    }
                    if (element != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                        skipArrayRest(parser, deadline);
                    }
                } else {
                    parser.skipChildren();
                }
            }
            boolean more = parser.nextToken() != null;
            if (more) {
                skipRest(parser, deadline);
                return new Layout(Shape.ROWS_AT_ROOT, Optional.empty());
            }
            return wrapping.map(field -> new Layout(Shape.ARRAY_AT_ROOT, Optional.of(field)))
                    .orElse(new Layout(Shape.ROWS_AT_ROOT, Optional.empty()));
        } catch (StreamConstraintsException e) {
            throw refusal(e);
        } catch (JacksonException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw ClariException.invalid("the JSON file could not be read");
        }
    }

    private static void skipArrayRest(JsonParser parser, Deadline deadline) {
        long count = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
            parser.skipChildren();
            if ((++count & 4095) == 0) {
                deadline.check();
            }
        }
    }

    private static void skipRest(JsonParser parser, Deadline deadline) {
        parser.skipChildren();
        long count = 0;
        while (parser.nextToken() != null) {
            parser.skipChildren();
            if ((++count & 4095) == 0) {
                deadline.check();
            }
        }
    }

    /** Writes one flattened object per line; returns every key written, in first-seen order. */
    private static Set<String> flatten(
            Path source, Path target, JsonFactory factory, Layout layout, IngestLimits limits, Deadline deadline) {
        Set<String> keys = new LinkedHashSet<>();
        try (InputStream in = Files.newInputStream(source);
                JsonParser parser = factory.createParser(ObjectReadContext.empty(), in);
                OutputStream out = Files.newOutputStream(target);
                JsonGenerator generator = factory.createGenerator(ObjectWriteContext.empty(), out)) {
            JsonToken token = parser.nextToken();
            if (layout.shape() == Shape.ARRAY_AT_ROOT) {
                if (layout.wrappingField().isPresent()) {
                    token = parser.nextToken();
                    while (token == JsonToken.PROPERTY_NAME) {
                        String name = parser.currentName();
                        parser.nextToken();
                        if (name.equals(layout.wrappingField().get())
                                && parser.currentToken() == JsonToken.START_ARRAY) {
                            break;
                        }
                        parser.skipChildren();
                        token = parser.nextToken();
                    }
                }
                long rows = 0;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                    writeRow(parser, generator, keys, limits);
                    if ((++rows & 1023) == 0) {
                        deadline.check();
                    }
                }
            } else {
                long rows = 0;
                while (token != null) {
                    writeRow(parser, generator, keys, limits);
                    if ((++rows & 1023) == 0) {
                        deadline.check();
                    }
                    token = parser.nextToken();
                }
            }
        } catch (StreamConstraintsException e) {
            throw refusal(e);
        } catch (JacksonException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw ClariException.invalid("the JSON file could not be read");
        }
        return keys;
    }

    private static void writeRow(JsonParser parser, JsonGenerator generator, Set<String> keys, IngestLimits limits) {
        generator.writeStartObject();
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            writeFields(parser, generator, "", new HashSet<>(), keys, limits);
        } else {
            keys.add("value");
            generator.writeName("value");
            generator.copyCurrentStructure(parser);
        }
        generator.writeEndObject();
        generator.writeRaw('\n');
    }

    private static void writeFields(
            JsonParser parser,
            JsonGenerator generator,
            String prefix,
            Set<String> written,
            Set<String> keys,
            IngestLimits limits) {
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = prefix + parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT) {
                writeFields(parser, generator, name + ".", written, keys, limits);
                continue;
            }
            if (!written.add(name)) {
                parser.skipChildren();
                continue;
            }
            if (keys.add(name) && keys.size() > limits.maxColumns()) {
                throw new ClariException(
                        ErrorCode.TOO_LARGE,
                        "the objects have more than " + String.format(Locale.ROOT, "%,d", limits.maxColumns())
                                + " distinct fields, the most columns a table may have");
            }
            generator.writeName(name);
            generator.copyCurrentStructure(parser);
        }
    }

    private static ClariException refusal(StreamConstraintsException e) {
        String message = String.valueOf(e.getMessage());
        String reason = message.contains("nesting depth")
                ? "it is nested too deeply"
                : message.contains("document length")
                        ? "it is larger than the JSON size limit"
                        : message.contains("String value length")
                                ? "a string value is too long"
                                : message.contains("Number value length")
                                        ? "a number is too long"
                                        : "it exceeds a size limit";
        return new ClariException(ErrorCode.TOO_LARGE, "the JSON was refused: " + reason, e);
    }

    private static ClariException malformed(JacksonException e) {
        var location = e.getLocation();
        String where = location == null || location.getLineNr() < 1
                ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return new ClariException(ErrorCode.INVALID_ARGUMENT, "the file is not valid JSON" + where, e);
    }
}
