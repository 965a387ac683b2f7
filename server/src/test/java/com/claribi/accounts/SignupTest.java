package com.claribi.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.auth.Scope;
import com.claribi.platform.ClariException;
import com.claribi.platform.Config;
import com.claribi.platform.ErrorCode;
import com.claribi.storage.MetadataStore;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.MutableClock;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** register_account / verify_email semantics (SPEC §2–§3), with mail caught by GreenMail. */
class SignupTest {
    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("no-reply@claribi.test", "mailer", "mailer-pw"));

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final String PASSWORD = "a long enough passphrase";

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));

    record Fixture(MetadataStore store, Accounts accounts, Signup signup) implements AutoCloseable {
        @Override
        public void close() {
            signup.close();
            store.close();
        }
    }

    private Fixture open(MetadataStores stores, int perAddressPerHour) {
        MetadataStore store = stores.open(folder);
        Accounts accounts = new Accounts(store.jdbi(), clock);
        Mailer mailer = Mailer.fromConfig(smtp(), store.jdbi(), clock);
        return new Fixture(
                store,
                accounts,
                new Signup(
                        accounts, mailer, new Signup.Settings("trial", 14, perAddressPerHour, Duration.ofMillis(150))));
    }

    static Config.Smtp smtp() {
        return new Config.Smtp(
                Optional.of("127.0.0.1"),
                mail.getSmtp().getPort(),
                Optional.of("mailer"),
                Optional.of("mailer-pw"),
                "clariBI <no-reply@claribi.test>",
                false);
    }

    private static MimeMessage awaitMail(int count) {
        assertThat(mail.waitForIncomingEmail(10_000, count)).isTrue();
        MimeMessage[] messages = mail.getReceivedMessages();
        return messages[count - 1];
    }

    static String codeIn(MimeMessage message) throws Exception {
        Matcher matcher = CODE.matcher(message.getSubject());
        assertThat(matcher.find()).as("a code in the subject").isTrue();
        return matcher.group(1);
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void theMailedCodeCreatesAWorkspaceOnTheTrialWithAKeyAndAToken(MetadataStores stores) throws Exception {
        try (Fixture fixture = open(stores, 30)) {
            SignupStarted started =
                    fixture.signup().register("Ada@Example.com", "Analytical Engines", true, "10.0.0.1");

            assertThat(started.pendingId()).matches("ps_[0-9A-Za-z]{20}");
            assertThat(started.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
            MimeMessage message = awaitMail(1);
            assertThat(message.getAllRecipients()[0].toString()).isEqualTo("ada@example.com");
            assertThat(message.getFrom()[0].toString()).contains("no-reply@claribi.test");
            MimeMultipart parts = (MimeMultipart) message.getContent();
            assertThat(parts.getContentType()).startsWith("multipart/alternative");
            assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
            assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
            String code = codeIn(message);
            assertThat(GreenMailUtil.getBody(message)).contains(code).contains("30 minutes");
            String stored = fixture.store()
                    .jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT code_hmac FROM pending_signups")
                            .mapTo(String.class)
                            .one());
            assertThat(stored).hasSize(64).doesNotContain(code);

            SignupCompleted completed = fixture.signup().verify(started.pendingId(), code, PASSWORD);

            assertThat(completed.user().email()).isEqualTo("ada@example.com");
            assertThat(completed.workspace().name()).isEqualTo("Analytical Engines");
            assertThat(completed.workspace().tier()).isEqualTo("trial");
            assertThat(completed.workspace().trialEndsAt())
                    .contains(clock.instant().plus(Duration.ofDays(14)));
            assertThat(fixture.accounts()
                            .role(completed.workspace().id(), completed.user().id()))
                    .contains(Role.OWNER);
            assertThat(completed.mcpKey().secret()).startsWith("claribi_mcp_");
            assertThat(fixture.accounts()
                            .resolve(completed.mcpKey().secret())
                            .orElseThrow()
                            .scopes())
                    .containsExactlyInAnyOrder(Scope.values());
            assertThat(completed.accessToken().expiresAt())
                    .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
            assertThat(fixture.accounts().resolve(completed.accessToken().secret()))
                    .isPresent();
            assertThat(fixture.accounts().passwordMatches(completed.user().id(), PASSWORD))
                    .isTrue();
            assertThat(AccountsTest.storedText(fixture.store())).doesNotContain(PASSWORD);

            assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), code, PASSWORD))
                    .hasMessageContaining("not correct");
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void fiveWrongCodesLockThePendingSignup(MetadataStores stores) throws Exception {
        try (Fixture fixture = open(stores, 30)) {
            SignupStarted started = fixture.signup().register("ada@example.com", "Engines", true, "10.0.0.1");
            String code = codeIn(awaitMail(1));
            String wrong = code.equals("000000") ? "000001" : "000000";

            for (int left = 4; left >= 1; left--) {
                int expected = left;
                assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), wrong, PASSWORD))
                        .isInstanceOfSatisfying(ClariException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                            assertThat(e.getMessage()).contains(expected + (expected == 1 ? " attempt" : " attempts"));
                        });
            }
            assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), wrong, PASSWORD))
                    .isInstanceOfSatisfying(ClariException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                        assertThat(e.getMessage()).contains("locked after 5 wrong codes");
                    });
            assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), code, PASSWORD))
                    .hasMessageContaining("locked");
            assertThat(fixture.accounts().userByEmail("ada@example.com")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aSecondSignupForTheSameEmailWithinTheHourIsRefusedWithTheTimeToWait(MetadataStores stores) {
        try (Fixture fixture = open(stores, 30)) {
            fixture.signup().register("ada@example.com", "Engines", true, "10.0.0.1");
            clock.advance(Duration.ofMinutes(20));

            assertThatThrownBy(() -> fixture.signup().register("ADA@example.com", "Engines", true, "10.0.0.2"))
                    .isInstanceOfSatisfying(ClariException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                        assertThat(e.getMessage()).contains("try again in 40 minutes");
                    });
            clock.advance(Duration.ofMinutes(40));
            assertThat(fixture.signup()
                            .register("ada@example.com", "Engines", true, "10.0.0.1")
                            .pendingId())
                    .startsWith("ps_");
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void anExistingAccountGetsAWarningMailAndTheCallerCannotTell(MetadataStores stores) throws Exception {
        try (Fixture fixture = open(stores, 30)) {
            fixture.accounts().createUser("grace@example.com", Optional.of(PASSWORD));

            SignupStarted existing = fixture.signup().register("grace@example.com", "Navy", true, "10.0.0.1");
            SignupStarted fresh = fixture.signup().register("ada@example.com", "Navy", true, "10.0.0.1");

            assertThat(existing.pendingId()).matches("ps_[0-9A-Za-z]{20}");
            assertThat(existing.expiresAt()).isEqualTo(fresh.expiresAt());
            assertThat(mail.waitForIncomingEmail(10_000, 2)).isTrue();
            MimeMessage warning = java.util.Arrays.stream(mail.getReceivedMessages())
                    .filter(m -> {
                        try {
                            return m.getAllRecipients()[0].toString().equals("grace@example.com");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .findFirst()
                    .orElseThrow();
            assertThat(warning.getSubject()).contains("Someone tried to sign up");
            MimeMultipart warningParts = (MimeMultipart) warning.getContent();
            assertThat((String) warningParts.getBodyPart(0).getContent()).doesNotContainPattern("\\d{6}");
            assertThat((String) warningParts.getBodyPart(1).getContent()).doesNotContainPattern(">\\s*\\d{6}\\s*<");

            String existingRefusal = refusal(() -> fixture.signup().verify(existing.pendingId(), "123456", PASSWORD));
            String freshRefusal = refusal(() -> fixture.signup().verify(fresh.pendingId(), "123456", PASSWORD));
            assertThat(existingRefusal).isEqualTo(freshRefusal);
            clock.advance(Duration.ofMinutes(10));
            assertThat(refusal(() -> fixture.signup().register("grace@example.com", "Navy", true, "10.0.0.1")))
                    .isEqualTo(refusal(() -> fixture.signup().register("ada@example.com", "Navy", true, "10.0.0.1")));
        }
    }

    @Test
    void registerTakesTheSameTimeWhetherOrNotTheEmailHasAnAccount() {
        try (Fixture fixture = open(MetadataStores.EMBEDDED, 1000)) {
            fixture.accounts().createUser("known@example.com", Optional.of(PASSWORD));
            fixture.signup().register("warmup@example.com", "Warm", true, "10.0.0.9");
            long known = 0;
            long unknown = 0;
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofHours(2));
                long start = System.nanoTime();
                fixture.signup().register("known@example.com", "Org", true, "10.0.0.1");
                known += System.nanoTime() - start;
                start = System.nanoTime();
                fixture.signup().register("unknown" + i + "@example.com", "Org", true, "10.0.0.1");
                unknown += System.nanoTime() - start;
            }
            long knownMillis = known / 5 / 1_000_000;
            long unknownMillis = unknown / 5 / 1_000_000;
            assertThat(knownMillis).isGreaterThanOrEqualTo(150);
            assertThat(unknownMillis).isGreaterThanOrEqualTo(150);
            assertThat(Math.abs(knownMillis - unknownMillis)).isLessThan(60);
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void codesExpireAfterThirtyMinutes(MetadataStores stores) throws Exception {
        try (Fixture fixture = open(stores, 30)) {
            SignupStarted started = fixture.signup().register("ada@example.com", "Engines", true, "10.0.0.1");
            String code = codeIn(awaitMail(1));
            clock.advance(Duration.ofMinutes(30));

            assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), code, PASSWORD))
                    .hasMessageContaining("expired")
                    .hasMessageContaining("30 minutes");
        }
    }

    @Test
    void anAddressThatCollectedTooManyWrongCodesCannotStartAnotherSignup() throws Exception {
        try (Fixture fixture = open(MetadataStores.EMBEDDED, 1000)) {
            for (int signup = 0; signup < Signup.LIFETIME_FAILURE_CAP / Signup.MAX_WRONG_CODES; signup++) {
                SignupStarted started = fixture.signup().register("ada@example.com", "Engines", true, "10.0.0.1");
                String code = codeIn(awaitMail(signup + 1));
                String wrong = code.equals("000000") ? "000001" : "000000";
                for (int attempt = 0; attempt < Signup.MAX_WRONG_CODES; attempt++) {
                    refusal(() -> fixture.signup().verify(started.pendingId(), wrong, PASSWORD));
                }
                clock.advance(Duration.ofHours(1));
            }

            assertThatThrownBy(() -> fixture.signup().register("ada@example.com", "Engines", true, "10.0.0.1"))
                    .isInstanceOfSatisfying(ClariException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                        assertThat(e.getMessage()).contains("too many wrong verification codes");
                    });
        }
    }

    @Test
    void oneNetworkMayStartManySignupsButNotUnlimited() {
        try (Fixture fixture = open(MetadataStores.EMBEDDED, 3)) {
            for (int i = 0; i < 3; i++) {
                fixture.signup().register("person" + i + "@example.com", "Office", true, "203.0.113.7");
            }

            assertThatThrownBy(() -> fixture.signup().register("person9@example.com", "Office", true, "203.0.113.7"))
                    .isInstanceOfSatisfying(ClariException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                        assertThat(e.getMessage()).contains("try again in");
                    });
            assertThat(fixture.signup()
                            .register("person9@example.com", "Office", true, "198.51.100.1")
                            .pendingId())
                    .startsWith("ps_");
        }
        assertThat(Signup.Settings.defaults("trial", 14).signupsPerAddressPerHour())
                .isGreaterThanOrEqualTo(30);
    }

    @Test
    void malformedInputIsRefusedWithAReasonAndSpendsNoAttempt() throws Exception {
        try (Fixture fixture = open(MetadataStores.EMBEDDED, 1000)) {
            assertThatThrownBy(
                            () -> fixture.signup().register("ada@example.com\r\nBcc: eve@example.com", "X", true, "a"))
                    .hasMessageContaining("email must be an address");
            assertThatThrownBy(() -> fixture.signup().register("ada@example.com", "Bad\nName", true, "a"))
                    .hasMessageContaining("control characters");
            assertThatThrownBy(() -> fixture.signup().register("ada@example.com", "Engines", false, "a"))
                    .hasMessageContaining("accept_terms must be true");
            assertThatThrownBy(() -> fixture.signup().register(null, null, true, null))
                    .hasMessageContaining("email is required");

            SignupStarted started = fixture.signup().register("ada@example.com", "Engines", true, "a");
            String code = codeIn(awaitMail(1));
            assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), code, "short"))
                    .hasMessageContaining("at least 12 characters");
            assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), "12345", PASSWORD))
                    .hasMessageContaining("6-digit");
            assertThatThrownBy(() -> fixture.signup().verify(started.pendingId(), "abcdef", PASSWORD))
                    .hasMessageContaining("6-digit");
            assertThatThrownBy(() -> fixture.signup().verify("ps_' OR '1'='1", code, PASSWORD))
                    .hasMessageContaining("not correct");
            assertThatThrownBy(() -> fixture.signup().verify("x".repeat(5000), code, PASSWORD))
                    .hasMessageContaining("not correct");
            assertThat(fixture.signup()
                            .verify(started.pendingId(), code, PASSWORD)
                            .workspace()
                            .tier())
                    .isEqualTo("trial");
        }
    }

    @Test
    void everyVerifyFailurePathTakesTheSameTime() throws Exception {
        try (Fixture fixture = open(MetadataStores.EMBEDDED, 1000)) {
            fixture.accounts().createUser("known@example.com", Optional.of(PASSWORD));
            SignupStarted fresh = fixture.signup().register("ada@example.com", "Engines", true, "a");
            String code = codeIn(awaitMail(1));
            String wrong = code.equals("000000") ? "000001" : "000000";
            SignupStarted existing = fixture.signup().register("known@example.com", "Engines", true, "a");
            SignupStarted locked = fixture.signup().register("locked@example.com", "Engines", true, "a");
            for (int i = 0; i < Signup.MAX_WRONG_CODES; i++) {
                refusal(() -> fixture.signup().verify(locked.pendingId(), wrong, PASSWORD));
            }

            long wrongCode = timeOf(() -> fixture.signup().verify(fresh.pendingId(), wrong, PASSWORD));
            long existingAccount = timeOf(() -> fixture.signup().verify(existing.pendingId(), wrong, PASSWORD));
            long unknownPending = timeOf(() -> fixture.signup().verify("ps_" + "x".repeat(20), wrong, PASSWORD));
            long lockedSignup = timeOf(() -> fixture.signup().verify(locked.pendingId(), wrong, PASSWORD));

            for (long millis : new long[] {wrongCode, existingAccount, unknownPending, lockedSignup}) {
                assertThat(millis).isBetween(150L, 230L);
            }
        }
    }

    private static long timeOf(Runnable refusedCall) {
        long start = System.nanoTime();
        refusal(refusedCall);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String refusal(Runnable call) {
        try {
            call.run();
        } catch (ClariException e) {
            return e.code() + ": " + e.getMessage();
        }
        throw new AssertionError("expected a refusal");
    }
}
