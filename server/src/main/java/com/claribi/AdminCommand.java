package com.claribi;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.MintedKey;
import com.claribi.accounts.Role;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.billing.Plans;
import com.claribi.billing.Pricing;
import com.claribi.platform.ClariException;
import com.claribi.platform.Config;
import com.claribi.storage.MetadataStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code claribi admin …}: operator tasks against whichever metadata store the environment
 * configures (SPEC §5). Each subcommand opens the store, does one thing and closes it; secrets are
 * printed once to standard output and never logged. Exit codes: 0 done, 1 refused (the message says
 * why), 2 bad configuration.
 */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = "Operator tasks: users, tiers, keys, workspaces.",
        subcommands = {
            AdminCommand.CreateUser.class,
            AdminCommand.SetTier.class,
            AdminCommand.MintKey.class,
            AdminCommand.ListWorkspaces.class
        })
public final class AdminCommand implements Callable<Integer> {
    private final Supplier<Config> config;
    private final Clock clock;
    private final InputStream stdin;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Reads the configuration from the environment (production). */
    public AdminCommand() {
        this(Config::fromEnvironment, Clock.systemUTC(), System.in);
    }

    public AdminCommand(Supplier<Config> config, Clock clock, InputStream stdin) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stdin = Objects.requireNonNull(stdin, "stdin");
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The opened store and the features over it, for one subcommand. */
    private record Session(MetadataStore store, Accounts accounts, Plans plans) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
        }
    }

    private interface Task {
        void run(Session session, PrintWriter out);
    }

    private int run(CommandLine commandLine, Task task) {
        PrintWriter err = commandLine.getErr();
        Config settings;
        try {
            settings = config.get();
        } catch (Config.InvalidConfigException e) {
            err.println("clariBI: " + e.getMessage());
            return 2;
        }
        Pricing pricing = Pricing.load(settings.pricingFile());
        try (MetadataStore store = MetadataStore.open(settings.database(), settings.home())) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            task.run(
                    new Session(store, accounts, new Plans(pricing, accounts, store.jdbi(), clock)),
                    commandLine.getOut());
            commandLine.getOut().flush();
            return 0;
        } catch (ClariException e) {
            err.println("clariBI: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private static Optional<Instant> trialEnd(Plans plans, String tier, Instant now) {
        Pricing pricing = plans.pricing();
        if (pricing.tier(tier).isEmpty()) {
            throw ClariException.invalid("Unknown tier \"" + tier + "\". Tiers: "
                    + String.join(
                            ", ", pricing.tiers().stream().map(Pricing.Tier::id).toList()) + ".");
        }
        return tier.equals(pricing.signupTier())
                ? Optional.of(now.plus(Duration.ofDays(pricing.trialDays())))
                : Optional.empty();
    }

    @Command(name = "create-user", description = "Create a user, and optionally a workspace they own.")
    static final class CreateUser implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--email", required = true, description = "The user's email address.")
        String email;

        @Option(
                names = "--password-stdin",
                description = "Read the password (at least 12 characters) from the first line of standard input.")
        boolean passwordFromStdin;

        @Option(names = "--workspace", description = "Also create a workspace with this name, owned by the user.")
        String workspaceName;

        @Option(
                names = "--tier",
                defaultValue = "trial",
                description = "The new workspace's tier (default: ${DEFAULT-VALUE}).")
        String tier;

        @Override
        public Integer call() {
            Optional<String> password;
            if (passwordFromStdin) {
                try {
                    String line =
                            new BufferedReader(new InputStreamReader(admin.stdin, StandardCharsets.UTF_8)).readLine();
                    password = Optional.ofNullable(line);
                } catch (IOException e) {
                    spec.commandLine().getErr().println("clariBI: could not read the password from standard input");
                    return 1;
                }
                if (password.isEmpty()) {
                    spec.commandLine().getErr().println("clariBI: --password-stdin given but standard input is empty");
                    return 1;
                }
            } else {
                password = Optional.empty();
            }
            return admin.run(spec.commandLine(), (session, out) -> {
                Optional<Instant> trialEnds = workspaceName == null
                        ? Optional.empty()
                        : trialEnd(session.plans(), tier, admin.clock.instant());
                User user = session.accounts().createUser(email, password);
                out.println("user " + user.id() + " " + user.email());
                if (workspaceName != null) {
                    Workspace workspace = session.accounts().createWorkspace(workspaceName, tier, trialEnds, user.id());
                    out.println("workspace " + workspace.id() + " " + workspace.name() + " tier=" + workspace.tier()
                            + " owner=" + user.id());
                }
            });
        }
    }

    @Command(name = "set-tier", description = "Set a workspace's tier (the trial tier restarts its trial).")
    static final class SetTier implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--workspace", required = true, description = "The workspace id (ws_…).")
        String workspaceId;

        @Option(names = "--tier", required = true, description = "A tier id from the pricing config.")
        String tier;

        @Override
        public Integer call() {
            return admin.run(spec.commandLine(), (session, out) -> {
                Optional<Instant> trialEnds = trialEnd(session.plans(), tier, admin.clock.instant());
                Workspace workspace = session.accounts().setTier(workspaceId, tier, trialEnds);
                out.println("workspace " + workspace.id() + " tier=" + workspace.tier()
                        + workspace
                                .trialEndsAt()
                                .map(end -> " trial_ends_at=" + end)
                                .orElse(""));
            });
        }
    }

    @Command(name = "mint-key", description = "Mint an API key; the secret is printed once.")
    static final class MintKey implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--workspace", required = true, description = "The workspace id (ws_…).")
        String workspaceId;

        @Option(names = "--email", description = "The member the key acts as (default: the workspace owner).")
        String email;

        @Option(names = "--kind", required = true, description = "mcp (for /mcp/v1/) or rest (for /api/v1/).")
        String kind;

        @Option(names = "--name", defaultValue = "Minted by an operator", description = "A label for the key.")
        String name;

        @Option(
                names = "--scopes",
                split = ",",
                description = "Comma-separated scopes such as usage:read,billing:read (default: all).")
        List<String> scopes;

        @Override
        public Integer call() {
            return admin.run(spec.commandLine(), (session, out) -> {
                KeyKind keyKind = KeyKind.fromWireName(kind)
                        .orElseThrow(() -> ClariException.invalid("--kind must be mcp or rest."));
                EnumSet<Scope> granted = EnumSet.noneOf(Scope.class);
                if (scopes == null || scopes.isEmpty()) {
                    granted.addAll(EnumSet.allOf(Scope.class));
                } else {
                    for (String scope : scopes) {
                        granted.add(Scope.fromWireName(scope.strip())
                                .orElseThrow(() -> ClariException.invalid("Unknown scope \"" + scope + "\".")));
                    }
                }
                String userId;
                if (email != null) {
                    userId = session.accounts()
                            .userByEmail(email)
                            .orElseThrow(() -> ClariException.notFound("No user with email " + email + "."))
                            .id();
                } else {
                    userId = session.accounts().members(workspaceId).stream()
                            .filter(member -> member.role() == Role.OWNER)
                            .findFirst()
                            .orElseThrow(
                                    () -> ClariException.notFound("No workspace " + workspaceId + " with an owner."))
                            .userId();
                }
                MintedKey minted = session.accounts().mintKey(workspaceId, userId, keyKind, name, granted);
                out.println("key " + minted.key().id() + " kind=" + keyKind.wireName() + " user=" + userId);
                out.println(minted.secret());
                out.println("(shown once: clariBI stores only its SHA-256)");
            });
        }
    }

    @Command(name = "list-workspaces", description = "List every workspace with its tier and members.")
    static final class ListWorkspaces implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return admin.run(spec.commandLine(), (session, out) -> {
                out.printf("%-24s %-12s %-20s %-8s %s%n", "ID", "TIER", "TRIAL ENDS", "MEMBERS", "NAME");
                for (Workspace workspace : session.accounts().workspaces()) {
                    out.printf(
                            "%-24s %-12s %-20s %-8d %s%n",
                            workspace.id(),
                            session.plans().effectiveTier(workspace).id(),
                            workspace
                                    .trialEndsAt()
                                    .map(end -> end.toString().substring(0, 19))
                                    .orElse("-"),
                            session.accounts().members(workspace.id()).size(),
                            workspace.name());
                }
            });
        }
    }
}
