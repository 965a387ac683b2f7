package com.claribi.mcp;

import com.claribi.auth.Principal;

/**
 * Decides whether a principal's workspace may use a tool gated by the tier feature {@code
 * mcp_server_access} (SPEC §3). Accounts plug the real policy in; the default allows everything.
 */
@FunctionalInterface
public interface ToolAccessPolicy {

    /** @return empty to allow, or a message the model can show (it should say how to upgrade) */
    java.util.Optional<String> denial(Principal principal, Tool tool);

    ToolAccessPolicy ALLOW_ALL = (principal, tool) -> java.util.Optional.empty();
}
