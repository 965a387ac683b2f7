package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The SSRF-safe URL fetcher (SPEC §6) behind {@code ingest_url_data_source}, reusable by any feature
 * that fetches a user-supplied URL.
 *
 * <ul>
 *   <li>http and https only; no user info; IPv6 zone ids, legacy numeric host forms, local and cloud
 *       metadata host names refused before any lookup;
 *   <li>each hop's host is resolved exactly once, inside Jetty's {@link SocketAddressResolver} hook:
 *       if any address it resolves to is non-public the hop is refused, otherwise the connection
 *       goes to that vetted address and no other (no second lookup, so no DNS rebinding);
 *   <li>redirects are followed by this class, at most {@link Limits#maxRedirects}, each hop vetted
 *       the same way;
 *   <li>the body is counted after content decoding and cut off past {@link Limits#maxBytes}; connect,
 *       read (idle) and total time are bounded;
 *   <li>{@code host:port} pairs from {@code CLARIBI_URL_FETCH_ALLOWLIST} may be reached although their
 *       addresses are private (tests, on-premise); the pair is matched as written in the URL or as the
 *       resolved address.
 * </ul>
 *
 * <p>Thread-safe; one instance per process. Close it to stop its HTTP client.
 */
public final class UrlFetcher implements AutoCloseable {
    /**
     * Bounds of one fetch.
     *
     * @param maxBytes largest decoded body
     * @param maxRedirects most redirects followed
     * @param connectTimeout longest TCP/TLS connect
     * @param readTimeout longest silence while reading
     * @param totalTimeout longest whole fetch, redirects included
     */
    public record Limits(
            long maxBytes, int maxRedirects, Duration connectTimeout, Duration readTimeout, Duration totalTimeout) {
        public Limits {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(totalTimeout, "totalTimeout");
            if (maxBytes < 1 || maxRedirects < 0) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /** SPEC §2/§6: 100 MB, 5 redirects, 10 s connect, 30 s read, 5 min total. */
        public static Limits defaults() {
            return new Limits(
                    com.claribi.platform.Config.DEFAULT_URL_FETCH_MAX_BYTES,
                    5,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(5));
        }

        /** A copy with another size cap. */
        public Limits withMaxBytes(long newMaxBytes) {
            return new Limits(newMaxBytes, maxRedirects, connectTimeout, readTimeout, totalTimeout);
        }
    }

    private final HttpClient client;
    private final Limits limits;
    private final HostResolver resolver;
    private final Set<String> allowlist;

    /**
     * @param allowlist {@code host:port} entries (Config.urlFetchAllowlist())
     * @param resolver name resolution; {@link HostResolver#system()} in production
     */
    public UrlFetcher(Limits limits, List<String> allowlist, HostResolver resolver) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.allowlist =
                allowlist.stream().map(entry -> entry.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.client = new HttpClient();
        client.setFollowRedirects(false);
        client.setConnectTimeout(limits.connectTimeout().toMillis());
        client.setIdleTimeout(limits.readTimeout().toMillis());
        client.setSocketAddressResolver(new VettingResolver());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "clariBI-url-fetcher"));
        client.setMaxConnectionsPerDestination(8);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP client could not start", e);
        }
    }

    /**
     * The production fetcher: SPEC limits with the size cap of {@code CLARIBI_URL_FETCH_MAX_BYTES}, the
     * system resolver, {@code CLARIBI_URL_FETCH_ALLOWLIST}.
     */
    public static UrlFetcher create(com.claribi.platform.Config config) {
        return new UrlFetcher(
                Limits.defaults().withMaxBytes(config.urlFetchMaxBytes()),
                config.urlFetchAllowlist(),
                HostResolver.system());
    }

    /** Largest body this fetcher accepts, after content decoding. */
    public long maxBytes() {
        return limits.maxBytes();
    }

    /**
     * Fetches {@code url} into {@code target} (created or replaced).
     *
     * @param requested the format the caller named, if any; otherwise it is detected
     * @throws ClariException INVALID_ARGUMENT for a refused or unreachable URL or an HTTP error status,
     *     TOO_LARGE past the size cap or the redirect cap, UNAVAILABLE on a timeout
     */
    public FetchedFile fetch(String url, Path target, Optional<SourceFormat> requested) {
        long deadline = System.nanoTime() + limits.totalTimeout().toNanos();
        URI current = parse(url);
        for (int hop = 0; ; hop++) {
            vetUrl(current);
            Request request = client.newRequest(current)
                    .method(HttpMethod.GET)
                    .followRedirects(false)
                    .idleTimeout(limits.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .timeout(remainingMillis(deadline), TimeUnit.MILLISECONDS)
                    .headers(headers ->
                            headers.put(HttpHeader.ACCEPT, "text/csv, application/json, application/pdf, */*;q=0.5"));
            InputStreamResponseListener listener = new InputStreamResponseListener();
            request.send(listener);
            Response response;
            try {
                response = listener.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            } catch (TimeoutException e) {
                request.abort(e);
                throw new ClariException(ErrorCode.UNAVAILABLE, "the server did not answer in time");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                request.abort(e);
                throw new ClariException(ErrorCode.UNAVAILABLE, "the fetch was interrupted");
            }
            int status = response.getStatus();
            if (status >= 300 && status < 400 && status != 304) {
                String location = response.getHeaders().get(HttpHeader.LOCATION);
                closeQuietly(listener);
                if (location == null || location.isBlank()) {
                    throw ClariException.invalid("the server answered HTTP " + status + " without a Location");
                }
                if (hop >= limits.maxRedirects()) {
                    throw new ClariException(
                            ErrorCode.TOO_LARGE, "the URL redirected more than " + limits.maxRedirects() + " times");
                }
                current = resolveLocation(current, location);
                continue;
            }
            if (status != 200) {
                closeQuietly(listener);
                throw ClariException.invalid("the server answered HTTP " + status + " for " + redact(current));
            }
            long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            String encoding = response.getHeaders().get(HttpHeader.CONTENT_ENCODING);
            if (declared > limits.maxBytes() && (encoding == null || encoding.equalsIgnoreCase("identity"))) {
                closeQuietly(listener);
                request.abort(new IOException("too large"));
                throw tooLarge();
            }
            long bytes = copy(listener, request, target, deadline);
            String contentType = Optional.ofNullable(response.getHeaders().get(HttpHeader.CONTENT_TYPE))
                    .orElse("");
            URI finalUrl = current;
            SourceFormat format =
                    requested.orElseGet(() -> FormatDetector.detect(target, contentType, finalUrl.getPath()));
            return new FetchedFile(target, bytes, format, contentType, finalUrl, hop);
        }
    }

    private long copy(InputStreamResponseListener listener, Request request, Path target, long deadline) {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = listener.getInputStream();
                OutputStream out = Files.newOutputStream(
                        target,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
                if (total > limits.maxBytes()) {
                    request.abort(new IOException("too large"));
                    throw tooLarge();
                }
                if (System.nanoTime() - deadline > 0) {
                    request.abort(new IOException("too slow"));
                    throw new ClariException(
                            ErrorCode.UNAVAILABLE,
                            "the download took longer than "
                                    + limits.totalTimeout().toSeconds() + " seconds");
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            deleteQuietly(target);
            throw failure(e);
        } catch (RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
        return total;
    }

    private ClariException tooLarge() {
        return new ClariException(
                ErrorCode.TOO_LARGE,
                "the file is larger than " + com.claribi.platform.Config.describeBytes(limits.maxBytes())
                        + ", the limit for a URL data source");
    }

    private static URI parse(String url) {
        if (url == null || url.isBlank() || url.length() > 4096) {
            throw ClariException.invalid("url must be an http(s) URL of at most 4,096 characters");
        }
        try {
            return new URI(url.strip());
        } catch (URISyntaxException e) {
            throw ClariException.invalid("url is not a valid URL");
        }
    }

    private static URI resolveLocation(URI base, String location) {
        try {
            return base.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw ClariException.invalid("the server redirected to an invalid URL");
        }
    }

    /** Checks that need no lookup; applied to the first URL and every redirect target. */
    private void vetUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ClariException.invalid("only http and https URLs can be fetched");
        }
        if (url.getRawUserInfo() != null
                || (url.getRawAuthority() != null && url.getRawAuthority().contains("@"))) {
            throw ClariException.invalid("URLs with a user name or password are not allowed");
        }
        String host = url.getHost();
        if (host == null) {
            throw ClariException.invalid("the URL has no valid host");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (allowlisted(bare, port(url))) {
            return;
        }
        Optional<String> refusal = AddressPolicy.refuseName(bare);
        if (refusal.isPresent()) {
            throw refused(refusal.get());
        }
    }

    private static int port(URI url) {
        if (url.getPort() > 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private boolean allowlisted(String host, int port) {
        String key = host.toLowerCase(Locale.ROOT) + ":" + port;
        return allowlist.contains(key) || allowlist.contains("[" + host.toLowerCase(Locale.ROOT) + "]:" + port);
    }

    private static ClariException refused(String reason) {
        return new ClariException(
                ErrorCode.INVALID_ARGUMENT,
                "the URL was refused: " + reason + "; only public internet addresses can be fetched");
    }

    /** Resolves once, vets every address, connects only to the first vetted one. */
    private final class VettingResolver implements SocketAddressResolver {
        @Override
        public void resolve(
                String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
            try {
                promise.succeeded(List.of(vetted(host, port)));
            } catch (ClariException e) {
                promise.failed(e);
            } catch (RuntimeException e) {
                promise.failed(refused("the host could not be checked"));
            }
        }

        private InetSocketAddress vetted(String rawHost, int port) {
            String host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
            boolean allowedByName = allowlisted(host, port);
            if (!allowedByName) {
                AddressPolicy.refuseName(host).ifPresent(reason -> {
                    throw refused(reason);
                });
            }
            List<InetAddress> addresses;
            Optional<InetAddress> literal = AddressPolicy.literal(host);
            if (literal.isPresent()) {
                addresses = List.of(literal.get());
            } else {
                try {
                    addresses = resolver.resolve(host);
                } catch (UnknownHostException e) {
                    throw ClariException.invalid("the host " + host + " could not be found");
                }
            }
            if (addresses == null || addresses.isEmpty()) {
                throw ClariException.invalid("the host " + host + " could not be found");
            }
            if (!allowedByName) {
                for (InetAddress address : addresses) {
                    if (allowlisted(address.getHostAddress(), port)) {
                        continue;
                    }
                    Optional<String> reason = AddressPolicy.refuseAddress(address);
                    if (reason.isPresent()) {
                        throw refused(reason.get());
                    }
                }
            }
            return new InetSocketAddress(addresses.get(0), port);
        }
    }

    private static ClariException failure(Throwable cause) {
        for (Throwable current = cause; current != null; current = current.getCause()) {
            if (current instanceof ClariException clari) {
                return clari;
            }
            if (current instanceof TimeoutException || current instanceof java.net.SocketTimeoutException) {
                return new ClariException(ErrorCode.UNAVAILABLE, "the server did not answer in time");
            }
        }
        return new ClariException(ErrorCode.UNAVAILABLE, "the URL could not be fetched: the connection failed");
    }

    private static String redact(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority()
                + Optional.ofNullable(url.getRawPath()).orElse("");
    }

    private static void closeQuietly(InputStreamResponseListener listener) {
        try {
            listener.getInputStream().close();
        } catch (IOException ignored) {
            // the response is being discarded
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the caller's scratch folder is cleaned with the job
        }
    }

    private static long remainingMillis(long deadline) {
        long remaining = (deadline - System.nanoTime()) / 1_000_000;
        if (remaining <= 0) {
            throw new ClariException(ErrorCode.UNAVAILABLE, "the fetch took too long");
        }
        return remaining;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping frees threads and sockets; nothing to report to a caller
        }
    }
}
