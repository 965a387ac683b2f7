package com.claribi.accounts;

import com.claribi.auth.Scope;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signup from chat (SPEC §2 {@code register_account} / {@code verify_email}, §3).
 *
 * <ul>
 *   <li>The 6-digit code is mailed, valid 30 minutes, stored only as HMAC-SHA256 under a server
 *       secret; 5 wrong codes lock the pending signup, and an address that has collected {@link
 *       #LIFETIME_FAILURE_CAP} wrong codes over all its signups cannot start another.
 *   <li>At most one signup per email per hour (the refusal says how long to wait), and a
 *       per-client-address bucket sized for an office behind one NAT.
 *   <li>Responses do not reveal whether the email has an account: such a signup is recorded the same
 *       way with a code nobody is sent, the owner gets a "someone tried" mail instead, and every
 *       answer and refusal is padded to the same minimum duration. Mail goes out in the background so
 *       SMTP latency cannot tell the two cases apart either.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} waits for queued mail.
 */
public final class Signup implements AutoCloseable {
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(30);
    public static final Duration EMAIL_WINDOW = Duration.ofHours(1);
    public static final int MAX_WRONG_CODES = 5;
    public static final int LIFETIME_FAILURE_CAP = 20;
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(Signup.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param signupTier the tier a new workspace starts on (pricing config)
     * @param trialDays how long that trial lasts
     * @param signupsPerAddressPerHour the per-client-address budget of {@code register_account}
     * @param responseFloor every register answer and verify refusal takes at least this long
     */
    public record Settings(String signupTier, int trialDays, int signupsPerAddressPerHour, Duration responseFloor) {
        public Settings {
            Objects.requireNonNull(signupTier, "signupTier");
            Objects.requireNonNull(responseFloor, "responseFloor");
            if (trialDays < 1 || signupsPerAddressPerHour < 1 || responseFloor.isNegative()) {
                throw new IllegalArgumentException("signup settings out of range");
            }
        }

        /** Production defaults: 30 signups an hour per address, 300 ms floor. */
        public static Settings defaults(String signupTier, int trialDays) {
            return new Settings(signupTier, trialDays, 30, Duration.ofMillis(300));
        }
    }

    private final Accounts accounts;
    private final Mailer mailer;
    private final Settings settings;
    private final byte[] hmacKey;
    private final Cache<String, Bucket> addressBuckets;
    private final ExecutorService mailQueue = Executors.newVirtualThreadPerTaskExecutor();

    public Signup(Accounts accounts, Mailer mailer, Settings settings) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.mailer = Objects.requireNonNull(mailer, "mailer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hmacKey = ServerSecret.loadOrCreate(accounts.jdbi(), accounts.clock(), "signup_code_hmac")
                .bytes();
        this.addressBuckets = Caffeine.newBuilder()
                .expireAfterAccess(Duration.ofHours(2))
                .maximumSize(100_000)
                .build();
    }

    /**
     * Starts a signup and mails a code (or, for an address that has an account, a warning).
     *
     * @param clientAddress the caller's IP address, for the per-address limit; null when unknown
     *     (then only the per-email limit applies)
     * @throws ClariException INVALID_ARGUMENT for bad input, RATE_LIMITED with the time to wait,
     *     FORBIDDEN when the address reached the lifetime cap of wrong codes
     */
    public SignupStarted register(String email, String organizationName, boolean acceptTerms, String clientAddress) {
        long started = System.nanoTime();
        try {
            return registerUnpadded(email, organizationName, acceptTerms, clientAddress);
        } finally {
            padTo(started);
        }
    }

    private SignupStarted registerUnpadded(
            String email, String organizationName, boolean acceptTerms, String clientAddress) {
        String normalized = Emails.normalize(email);
        String organization = Accounts.requireName(organizationName, "organization_name", 200);
        if (!acceptTerms) {
            throw ClariException.invalid(
                    "accept_terms must be true: the user has to accept clariBI's terms of service to sign up.");
        }
        // An unknown address is not limited: one shared bucket for every such caller would let a
        // single client block signup for everyone. The per-email limit still applies.
        String address = clientAddress == null || clientAddress.isBlank() ? "unknown" : clientAddress.strip();
        if (!address.equals("unknown")) {
            Bucket bucket = addressBuckets.get(address, ignored -> newAddressBucket());
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                throw new ClariException(
                        ErrorCode.RATE_LIMITED,
                        "Too many signups from this network in the last hour; try again in "
                                + minutes(Duration.ofNanos(probe.getNanosToWaitForRefill())) + ".");
            }
        }
        Instant now = accounts.now();
        String code = "%06d".formatted(RANDOM.nextInt(1_000_000));
        String pendingId = Tokens.id("ps_");
        Instant expiresAt = now.plus(CODE_LIFETIME);
        boolean existingAccount = accounts.jdbi().inTransaction(handle -> {
            long failures = handle.createQuery(
                            "SELECT COALESCE(SUM(failed_attempts), 0) FROM pending_signups WHERE email = ?")
                    .bind(0, normalized)
                    .mapTo(Long.class)
                    .one();
            if (failures >= LIFETIME_FAILURE_CAP) {
                throw new ClariException(
                        ErrorCode.FORBIDDEN,
                        "Signup for this address is blocked after too many wrong verification codes."
                                + " Ask the operator of this clariBI server to help.");
            }
            Optional<Instant> recent = handle.createQuery(
                            "SELECT MAX(created_at) FROM pending_signups" + " WHERE email = ? AND created_at > ?")
                    .bind(0, normalized)
                    .bind(1, Accounts.utc(now.minus(EMAIL_WINDOW)))
                    .map((rs, ctx) -> Accounts.optionalInstant(rs, 1))
                    .one();
            if (recent.isPresent()) {
                Duration wait = Duration.between(now, recent.get().plus(EMAIL_WINDOW));
                throw new ClariException(
                        ErrorCode.RATE_LIMITED,
                        "A signup for this email was started less than an hour ago. Finish it with the code"
                                + " that was mailed, or try again in " + minutes(wait) + ".");
            }
            boolean exists = Accounts.userIdByEmail(handle, normalized).isPresent();
            // For an existing account the stored HMAC is of a fresh code nobody receives, so the row
            // looks like any other and verify_email fails the usual way.
            String storedCode = exists ? "%06d".formatted(RANDOM.nextInt(1_000_000)) : code;
            handle.createUpdate("INSERT INTO pending_signups (id, email, organization_name, code_hmac,"
                            + " client_address, status, failed_attempts, created_at, expires_at)"
                            + " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)")
                    .bind(0, pendingId)
                    .bind(1, normalized)
                    .bind(2, organization)
                    .bind(3, hmac(pendingId, storedCode))
                    .bind(4, address.length() > 64 ? address.substring(0, 64) : address)
                    .bind(5, Accounts.utc(now))
                    .bind(6, Accounts.utc(expiresAt))
                    .execute();
            return exists;
        });
        MailMessage mail = existingAccount
                ? SignupMail.someoneTriedToSignUp(normalized)
                : SignupMail.code(normalized, organization, code, CODE_LIFETIME);
        mailQueue.execute(() -> {
            try {
                mailer.send(mail);
            } catch (RuntimeException e) {
                log.error("Could not send the signup mail for pending signup {}", pendingId);
            }
        });
        return new SignupStarted(pendingId, expiresAt);
    }

    /**
     * Finishes a signup: creates the user (Argon2id password), the workspace on the Trial with the
     * user as owner, an MCP API key with every scope, and a one-hour access token.
     *
     * @throws ClariException INVALID_ARGUMENT for a bad password, a wrong or expired code; FORBIDDEN
     *     when the signup is locked
     */
    public SignupCompleted verify(String pendingId, String code, String password) {
        long started = System.nanoTime();
        Passwords.requireAcceptable(password);
        if (code == null || !code.strip().matches("[0-9]{6}")) {
            throw ClariException.invalid("code must be the 6-digit number from the verification email.");
        }
        if (pendingId == null || pendingId.length() > 40) {
            padTo(started);
            throw wrongCode(Optional.empty());
        }
        String cleanCode = code.strip();
        Attempt attempt = accounts.jdbi().inTransaction(handle -> attempt(handle, pendingId, cleanCode, password));
        return switch (attempt) {
            case Attempt.Success success -> success.completed();
            case Attempt.Wrong wrong -> {
                padTo(started);
                throw wrongCode(wrong.attemptsLeft());
            }
            case Attempt.Locked locked -> {
                padTo(started);
                throw new ClariException(
                        ErrorCode.FORBIDDEN,
                        "This signup is locked after " + MAX_WRONG_CODES + " wrong codes. Start a new one with"
                                + " register_account in " + minutes(locked.retryIn()) + ".");
            }
            case Attempt.Expired expired -> {
                padTo(started);
                throw ClariException.invalid("This code has expired (codes last "
                        + CODE_LIFETIME.toMinutes() + " minutes). Start a new signup with register_account in "
                        + minutes(expired.retryIn()) + ".");
            }
        };
    }

    private sealed interface Attempt {
        record Success(SignupCompleted completed) implements Attempt {}

        record Wrong(Optional<Integer> attemptsLeft) implements Attempt {}

        record Locked(Duration retryIn) implements Attempt {}

        record Expired(Duration retryIn) implements Attempt {}
    }

    private record PendingRow(
            String id,
            String email,
            String organization,
            String codeHmac,
            String status,
            int failed,
            Instant created,
            Instant expires) {}

    /** One verification attempt in one transaction; wrong codes are counted even though we refuse. */
    private Attempt attempt(Handle handle, String pendingId, String code, String password) {
        Optional<PendingRow> found = handle.createQuery("SELECT id, email, organization_name, code_hmac, status,"
                        + " failed_attempts, created_at, expires_at FROM pending_signups WHERE id = ? FOR UPDATE")
                .bind(0, pendingId)
                .map((rs, ctx) -> new PendingRow(
                        rs.getString("id"),
                        rs.getString("email"),
                        rs.getString("organization_name"),
                        rs.getString("code_hmac"),
                        rs.getString("status"),
                        rs.getInt("failed_attempts"),
                        Accounts.instant(rs, "created_at"),
                        Accounts.instant(rs, "expires_at")))
                .findOne();
        String presented = hmac(pendingId, code);
        if (found.isEmpty() || found.get().status().equals("completed")) {
            return new Attempt.Wrong(Optional.empty());
        }
        PendingRow pending = found.get();
        Instant now = accounts.now();
        Duration retryIn = Duration.between(now, pending.created().plus(EMAIL_WINDOW));
        if (pending.status().equals("locked")) {
            return new Attempt.Locked(retryIn);
        }
        if (!now.isBefore(pending.expires())) {
            return new Attempt.Expired(retryIn);
        }
        boolean matches = MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.US_ASCII),
                pending.codeHmac().getBytes(StandardCharsets.US_ASCII));
        if (!matches || Accounts.userIdByEmail(handle, pending.email()).isPresent()) {
            int failed = pending.failed() + 1;
            boolean lock = failed >= MAX_WRONG_CODES;
            handle.createUpdate("UPDATE pending_signups SET failed_attempts = ?, status = ? WHERE id = ?")
                    .bind(0, failed)
                    .bind(1, lock ? "locked" : "pending")
                    .bind(2, pendingId)
                    .execute();
            return lock ? new Attempt.Locked(retryIn) : new Attempt.Wrong(Optional.of(MAX_WRONG_CODES - failed));
        }
        User user = accounts.insertUser(handle, pending.email(), Optional.of(Passwords.hash(password)));
        Workspace workspace = accounts.insertWorkspace(
                handle,
                pending.organization(),
                settings.signupTier(),
                Optional.of(now.plus(Duration.ofDays(settings.trialDays()))),
                user.id());
        EnumSet<Scope> everything = EnumSet.allOf(Scope.class);
        MintedKey key =
                accounts.insertKey(handle, workspace.id(), user.id(), KeyKind.MCP, "Created at signup", everything);
        IssuedToken token =
                accounts.insertAccessToken(handle, workspace.id(), user.id(), everything, ACCESS_TOKEN_LIFETIME);
        handle.createUpdate("UPDATE pending_signups SET status = 'completed' WHERE id = ?")
                .bind(0, pendingId)
                .execute();
        return new Attempt.Success(new SignupCompleted(user, workspace, key, token));
    }

    private static ClariException wrongCode(Optional<Integer> attemptsLeft) {
        return ClariException.invalid("That code is not correct for this signup. Check the 6-digit code in the"
                + " latest verification email"
                + attemptsLeft
                        .map(left -> "; " + left + (left == 1 ? " attempt is" : " attempts are")
                                + " left before the signup locks.")
                        .orElse("."));
    }

    private Bucket newAddressBucket() {
        int perHour = settings.signupsPerAddressPerHour();
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(perHour)
                        .refillGreedy(perHour, Duration.ofHours(1))
                        .build())
                .build();
    }

    private String hmac(String pendingId, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((pendingId + ":" + code).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private void padTo(long startedNanos) {
        long remaining = settings.responseFloor().toNanos() - (System.nanoTime() - startedNanos);
        if (remaining > 0) {
            try {
                Thread.sleep(Duration.ofNanos(remaining));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String minutes(Duration wait) {
        long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    /** Waits up to 10 seconds for queued mail to go out. */
    @Override
    public void close() {
        mailQueue.shutdown();
        try {
            if (!mailQueue.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                mailQueue.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
