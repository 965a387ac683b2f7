package com.claribi.mcp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Lists the caller's concrete resources for {@code resources/list} (SPEC §2: data sources,
 * dashboards and reports of the caller's workspace). Reading them goes through a {@link
 * ResourceTemplate}. Implementations see only {@link CallContext#principal()}; an anonymous caller
 * usually has none.
 */
@FunctionalInterface
public interface ResourceLister {
    List<Listed> list(CallContext context);

    /** One entry of {@code resources/list}. */
    record Listed(String uri, String name, String title, String description, Optional<String> mimeType) {
        public Listed {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(mimeType, "mimeType");
        }
    }
}
