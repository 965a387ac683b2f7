package com.claribi.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A family of resources named by an RFC 6570 level-1 URI template such as {@code
 * claribi://data-sources/{id}} (MCP §server/resources "Resource templates"). A variable matches one
 * path segment.
 */
public record ResourceTemplate(
        String uriTemplate,
        String name,
        String title,
        String description,
        Optional<String> mimeType,
        Resource.Reader reader) {
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public ResourceTemplate {
        Objects.requireNonNull(uriTemplate, "uriTemplate");
        McpNames.requireName(name, "resource template");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(reader, "reader");
        if (!VARIABLE.matcher(uriTemplate).find()) {
            throw new IllegalArgumentException("a resource template needs at least one {variable}: " + uriTemplate);
        }
    }

    /** The variables when {@code uri} matches this template. */
    Optional<Map<String, String>> match(String uri) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher matcher = VARIABLE.matcher(uriTemplate);
        int last = 0;
        while (matcher.find()) {
            regex.append(Pattern.quote(uriTemplate.substring(last, matcher.start())));
            regex.append("([^/?#{}]+)");
            names.add(matcher.group(1));
            last = matcher.end();
        }
        regex.append(Pattern.quote(uriTemplate.substring(last)));
        Matcher uriMatcher = Pattern.compile(regex.toString()).matcher(uri);
        if (!uriMatcher.matches()) {
            return Optional.empty();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int index = 0; index < names.size(); index++) {
            variables.put(names.get(index), uriMatcher.group(index + 1));
        }
        return Optional.of(variables);
    }
}
