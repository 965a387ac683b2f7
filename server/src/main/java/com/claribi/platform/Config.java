package com.claribi.platform;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * clariBI's whole configuration, read once at startup (SPEC §5). Every setting is an environment
 * variable; {@code CLARIBI_CONFIG_FILE} may name a properties file with the same keys, which the
 * environment overrides. Invalid values fail startup with an error naming the variable and what it
 * accepts.
 *
 * @param home data folder (metadata store file, workspaces, uploads)
 * @param bind address the HTTP server binds to
 * @param port TCP port; 0 picks a free one (tests)
 * @param publicUrl the URL clients reach us at, without a trailing slash; empty means {@code
 *     http://bind:port}
 * @param database where the metadata lives
 * @param smtp outgoing mail; empty host means the outbox table and the server log
 * @param stripe Stripe settings for checkout and webhooks
 * @param llm the optional LLM planner
 * @param urlFetchAllowlist {@code host:port} pairs the URL fetcher may reach although private
 * @param urlFetchMaxBytes largest file {@code ingest_url_data_source} fetches (SPEC §6: 100 MB by
 *     default)
 * @param allowedOrigins browser origins allowed to call the API besides our own public origin
 * @param pricingFile a pricing config replacing the one shipped in the server
 */
public record Config(
        Path home,
        String bind,
        int port,
        Optional<URI> publicUrl,
        Database database,
        Smtp smtp,
        Stripe stripe,
        Llm llm,
        List<String> urlFetchAllowlist,
        long urlFetchMaxBytes,
        List<String> allowedOrigins,
        Optional<Path> pricingFile) {

    /** SPEC §6: a URL data source is at most 100 MB unless the operator says otherwise. */
    public static final long DEFAULT_URL_FETCH_MAX_BYTES = 100L * 1024 * 1024;
    /** Smallest {@code CLARIBI_URL_FETCH_MAX_BYTES} accepted (a bare "100" is a mistake for 100MB). */
    public static final long MIN_URL_FETCH_MAX_BYTES = 1024;
    /** Largest {@code CLARIBI_URL_FETCH_MAX_BYTES} accepted. */
    public static final long MAX_URL_FETCH_MAX_BYTES = 1L << 40;

    public Config {
        requireNonNull(home, "home");
        requireNonNull(bind, "bind");
        requireNonNull(publicUrl, "publicUrl");
        requireNonNull(database, "database");
        requireNonNull(smtp, "smtp");
        requireNonNull(stripe, "stripe");
        requireNonNull(llm, "llm");
        requireNonNull(pricingFile, "pricingFile");
        urlFetchAllowlist = List.copyOf(urlFetchAllowlist);
        allowedOrigins = List.copyOf(allowedOrigins);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (urlFetchMaxBytes < MIN_URL_FETCH_MAX_BYTES || urlFetchMaxBytes > MAX_URL_FETCH_MAX_BYTES) {
            throw new IllegalArgumentException("urlFetchMaxBytes must be 1 KB..1 TB");
        }
    }

    /**
     * Where metadata lives.
     *
     * @param url empty for the embedded store under {@code home}; else a {@code jdbc:postgresql://}
     *     URL
     * @param username optional, for a URL that carries no user
     * @param password optional, never logged
     */
    public record Database(Optional<String> url, Optional<String> username, Optional<String> password) {
        public Database {
            requireNonNull(url, "url");
            requireNonNull(username, "username");
            requireNonNull(password, "password");
        }

        public boolean embedded() {
            return url.isEmpty();
        }

        @Override
        public String toString() {
            return "Database[url=" + url.orElse("(embedded)") + ", username=" + username.orElse("") + "]";
        }
    }

    /** SMTP settings; {@code host} empty means mail goes to the outbox table and the log. */
    public record Smtp(
            Optional<String> host,
            int port,
            Optional<String> username,
            Optional<String> password,
            String from,
            boolean startTls) {
        public Smtp {
            requireNonNull(host, "host");
            requireNonNull(username, "username");
            requireNonNull(password, "password");
            requireNonNull(from, "from");
        }

        @Override
        public String toString() {
            return "Smtp[host=" + host.orElse("(outbox)") + ", port=" + port + ", from=" + from + "]";
        }
    }

    /** Stripe; all empty until billing is configured. */
    public record Stripe(Optional<String> secretKey, URI apiBase, Optional<String> webhookSecret) {
        public Stripe {
            requireNonNull(secretKey, "secretKey");
            requireNonNull(apiBase, "apiBase");
            requireNonNull(webhookSecret, "webhookSecret");
        }

        @Override
        public String toString() {
            return "Stripe[apiBase=" + apiBase + ", configured=" + secretKey.isPresent() + "]";
        }
    }

    /** The optional LLM planner; {@code provider} empty means the deterministic planner only. */
    public record Llm(
            Optional<String> provider, Optional<String> apiKey, Optional<URI> baseUrl, Optional<String> model) {
        public Llm {
            requireNonNull(provider, "provider");
            requireNonNull(apiKey, "apiKey");
            requireNonNull(baseUrl, "baseUrl");
            requireNonNull(model, "model");
        }

        @Override
        public String toString() {
            return "Llm[provider=" + provider.orElse("(none)") + ", model=" + model.orElse("") + "]";
        }
    }

    /** The defaults, as a server started with no variables at all gets them. */
    public static Config defaults() {
        return fromEnvironment(Map.of());
    }

    /** Reads the process environment (and {@code CLARIBI_CONFIG_FILE} when set). */
    public static Config fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads settings from {@code environment}, falling back to the properties file it names in
     * {@code CLARIBI_CONFIG_FILE}, then to the defaults.
     *
     * @throws InvalidConfigException naming the first invalid variable
     */
    public static Config fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        String file = environment.get("CLARIBI_CONFIG_FILE");
        if (file != null && !file.isBlank()) {
            values.putAll(readFile(Path.of(file)));
        }
        environment.forEach((key, value) -> {
            if (key.startsWith("CLARIBI_")) {
                values.put(key, value);
            }
        });
        Reader settings = new Reader(values);
        return new Config(
                settings.path("CLARIBI_HOME", defaultHome()),
                settings.string("CLARIBI_BIND", "127.0.0.1"),
                settings.port("CLARIBI_PORT", 8080),
                settings.optional("CLARIBI_PUBLIC_URL").map(value -> settings.httpUrl("CLARIBI_PUBLIC_URL", value)),
                new Database(
                        settings.optional("CLARIBI_DB_URL").map(value -> settings.jdbcUrl(value)),
                        settings.optional("CLARIBI_DB_USERNAME"),
                        settings.optional("CLARIBI_DB_PASSWORD")),
                new Smtp(
                        settings.optional("CLARIBI_SMTP_HOST"),
                        settings.port("CLARIBI_SMTP_PORT", 587),
                        settings.optional("CLARIBI_SMTP_USERNAME"),
                        settings.optional("CLARIBI_SMTP_PASSWORD"),
                        settings.string("CLARIBI_SMTP_FROM", "clariBI <no-reply@claribi.local>"),
                        settings.bool("CLARIBI_SMTP_STARTTLS", true)),
                new Stripe(
                        settings.optional("CLARIBI_STRIPE_SECRET_KEY"),
                        settings.optional("CLARIBI_STRIPE_API_BASE")
                                .map(value -> settings.httpUrl("CLARIBI_STRIPE_API_BASE", value))
                                .orElse(URI.create("https://api.stripe.com")),
                        settings.optional("CLARIBI_STRIPE_WEBHOOK_SECRET")),
                new Llm(
                        settings.optional("CLARIBI_LLM_PROVIDER").map(settings::llmProvider),
                        settings.optional("CLARIBI_LLM_API_KEY"),
                        settings.optional("CLARIBI_LLM_BASE_URL")
                                .map(value -> settings.httpUrl("CLARIBI_LLM_BASE_URL", value)),
                        settings.optional("CLARIBI_LLM_MODEL")),
                settings.hostPortList("CLARIBI_URL_FETCH_ALLOWLIST"),
                settings.size(
                        "CLARIBI_URL_FETCH_MAX_BYTES",
                        DEFAULT_URL_FETCH_MAX_BYTES,
                        MIN_URL_FETCH_MAX_BYTES,
                        MAX_URL_FETCH_MAX_BYTES),
                settings.originList("CLARIBI_ALLOWED_ORIGINS"),
                settings.optional("CLARIBI_PRICING_FILE").map(Path::of));
    }

    /** A copy listening on another port (tests use 0). */
    public Config withPort(int newPort) {
        return new Config(
                home,
                bind,
                newPort,
                publicUrl,
                database,
                smtp,
                stripe,
                llm,
                urlFetchAllowlist,
                urlFetchMaxBytes,
                allowedOrigins,
                pricingFile);
    }

    /** A copy with another data folder. */
    public Config withHome(Path newHome) {
        return new Config(
                newHome,
                bind,
                port,
                publicUrl,
                database,
                smtp,
                stripe,
                llm,
                urlFetchAllowlist,
                urlFetchMaxBytes,
                allowedOrigins,
                pricingFile);
    }

    /** A copy using another metadata database. */
    public Config withDatabase(Database newDatabase) {
        return new Config(
                home,
                bind,
                port,
                publicUrl,
                newDatabase,
                smtp,
                stripe,
                llm,
                urlFetchAllowlist,
                urlFetchMaxBytes,
                allowedOrigins,
                pricingFile);
    }

    /** A copy whose URL fetcher may reach {@code allowlist} and fetch files of up to {@code maxBytes}. */
    public Config withUrlFetch(List<String> allowlist, long maxBytes) {
        return new Config(
                home,
                bind,
                port,
                publicUrl,
                database,
                smtp,
                stripe,
                llm,
                allowlist,
                maxBytes,
                allowedOrigins,
                pricingFile);
    }

    /**
     * A byte count as people write it: {@code 104857600 bytes}, {@code 100 MB}, {@code 1.5 GB}
     * (1 KB = 1,024 bytes, as everywhere in clariBI's messages); exact when the count is a whole
     * number of KB, MB or GB, else in bytes.
     */
    public static String describeBytes(long bytes) {
        String[] units = {"TB", "GB", "MB", "KB"};
        for (int index = 0; index < units.length; index++) {
            long unit = 1L << (10 * (units.length - index));
            if (bytes >= unit && bytes % unit == 0) {
                return String.format(Locale.ROOT, "%,d %s", bytes / unit, units[index]);
            }
        }
        return String.format(Locale.ROOT, "%,d bytes", bytes);
    }

    private static Path defaultHome() {
        return Path.of(System.getProperty("user.home"), ".claribi");
    }

    private static Map<String, String> readFile(Path path) {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new InvalidConfigException("CLARIBI_CONFIG_FILE", "a readable properties file", path.toString());
        }
        Map<String, String> values = new HashMap<>();
        properties.forEach((key, value) -> values.put(key.toString(), value.toString()));
        return values;
    }

    private static <T> void requireNonNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name);
        }
    }

    /** Startup refused because a variable has a value clariBI cannot use. */
    public static final class InvalidConfigException extends RuntimeException {
        private final String variable;

        InvalidConfigException(String variable, String accepted, String actual) {
            super(variable + " must be " + accepted + " (got \"" + actual + "\")");
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }

    /** Typed reads of one variable each, with the accepted values named in every refusal. */
    private record Reader(Map<String, String> values) {
        Optional<String> optional(String name) {
            String value = values.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String string(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        Path path(String name, Path fallback) {
            return optional(name).map(Path::of).orElse(fallback).toAbsolutePath();
        }

        int port(String name, int fallback) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                int port = Integer.parseInt(value.get());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new InvalidConfigException(name, "a port number from 0 to 65535", value.get());
        }

        /**
         * A byte count: digits, optionally followed by a unit KB, MB, GB or TB (1,024-based; case and
         * a space before the unit do not matter), within {@code min..max}.
         */
        long size(String name, long fallback, long min, long max) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return fallback;
            }
            String accepted = "a size from " + describeBytes(min) + " to " + describeBytes(max)
                    + ": a number of bytes, or a number followed by KB, MB, GB or TB (such as 100MB)";
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("([0-9]{1,15})\\s*([KMGT]B)?")
                    .matcher(value.get().toUpperCase(Locale.ROOT));
            if (!matcher.matches()) {
                throw new InvalidConfigException(name, accepted, value.get());
            }
            long number = Long.parseLong(matcher.group(1));
            int shift = matcher.group(2) == null
                    ? 0
                    : 10 * (1 + "KMGT".indexOf(matcher.group(2).charAt(0)));
            if (number > (max >> shift) || number << shift < min) {
                throw new InvalidConfigException(name, accepted, value.get());
            }
            return number << shift;
        }

        boolean bool(String name, boolean fallback) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return fallback;
            }
            return switch (value.get().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1", "on" -> true;
                case "false", "no", "0", "off" -> false;
                default -> throw new InvalidConfigException(name, "true or false", value.get());
            };
        }

        URI httpUrl(String name, String value) {
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme();
                if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                        && uri.getHost() != null
                        && uri.getUserInfo() == null
                        && uri.getQuery() == null
                        && uri.getFragment() == null) {
                    String text = uri.toString();
                    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
                }
            } catch (java.net.URISyntaxException ignored) {
                // reported below
            }
            throw new InvalidConfigException(
                    name, "an absolute http(s) URL without user info, query or fragment", value);
        }

        String jdbcUrl(String value) {
            if (value.startsWith("jdbc:postgresql://")) {
                return value;
            }
            throw new InvalidConfigException(
                    "CLARIBI_DB_URL", "unset (embedded store) or a jdbc:postgresql:// URL", redactUrl(value));
        }

        String llmProvider(String value) {
            String provider = value.toLowerCase(Locale.ROOT);
            if (provider.equals("openai") || provider.equals("anthropic")) {
                return provider;
            }
            throw new InvalidConfigException("CLARIBI_LLM_PROVIDER", "openai or anthropic", value);
        }

        List<String> hostPortList(String name) {
            return optional(name).stream()
                    .flatMap(value -> Arrays.stream(value.split(",")))
                    .map(String::trim)
                    .filter(entry -> !entry.isEmpty())
                    .map(entry -> {
                        int colon = entry.lastIndexOf(':');
                        if (colon > 0 && colon < entry.length() - 1) {
                            try {
                                int port = Integer.parseInt(entry.substring(colon + 1));
                                if (port > 0 && port <= 65535) {
                                    return entry.toLowerCase(Locale.ROOT);
                                }
                            } catch (NumberFormatException ignored) {
                                // reported below
                            }
                        }
                        throw new InvalidConfigException(name, "a comma-separated list of host:port", entry);
                    })
                    .toList();
        }

        List<String> originList(String name) {
            return optional(name).stream()
                    .flatMap(value -> Arrays.stream(value.split(",")))
                    .map(String::trim)
                    .filter(entry -> !entry.isEmpty())
                    .map(entry -> {
                        if (entry.equals("*")) {
                            throw new InvalidConfigException(
                                    name,
                                    "a comma-separated list of origins such as https://app.example.com (no wildcard)",
                                    entry);
                        }
                        URI uri = httpUrl(name, entry);
                        if (!uri.getPath().isEmpty()) {
                            throw new InvalidConfigException(
                                    name, "origins without a path, such as https://app.example.com", entry);
                        }
                        return uri.toString().toLowerCase(Locale.ROOT);
                    })
                    .toList();
        }

        private static String redactUrl(String value) {
            int query = value.indexOf('?');
            return query < 0 ? value : value.substring(0, query) + "?…";
        }
    }
}
