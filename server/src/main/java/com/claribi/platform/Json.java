package com.claribi.platform;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one place clariBI configures Jackson. Mappers are thread-safe; build one per process. */
public final class Json {
    /** Deepest nesting any JSON body may have; deeper input is refused, not recursed into. */
    public static final int MAX_DEPTH = 64;

    private Json() {}

    /**
     * A mapper for untrusted input: bounded nesting, bounded string and number lengths, unknown
     * properties ignored (wire types evolve), java.time as ISO-8601 strings.
     */
    public static JsonMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(100)
                        .maxStringLength(40 * 1024 * 1024)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
