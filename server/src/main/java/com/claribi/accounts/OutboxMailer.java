package com.claribi.accounts;

import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail for a server without SMTP (SPEC §5): each message goes into {@code mail_outbox}, and its
 * {@link MailMessage#localNote()} (a signup code) is written in one clearly marked log line so a
 * person running clariBI locally can finish signing up. This line is the only place a signup code
 * ever reaches a log; set {@code CLARIBI_SMTP_HOST} in production.
 */
final class OutboxMailer implements Mailer {
    private static final Logger log = LoggerFactory.getLogger(OutboxMailer.class);

    private final Jdbi jdbi;
    private final Clock clock;

    OutboxMailer(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public void send(MailMessage message) {
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO mail_outbox (id, recipient, subject, text_body,"
                        + " html_body, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, Tokens.id("mail_"))
                .bind(1, message.to())
                .bind(2, message.subject())
                .bind(3, message.text())
                .bind(4, message.html())
                .bind(5, Accounts.utc(clock.instant()))
                .execute());
        log.warn(
                "[LOCAL MAIL - CLARIBI_SMTP_HOST is not set, mail kept in the outbox table] to {}: \"{}\"{}",
                message.to(),
                message.subject(),
                message.localNote().map(note -> " - " + note).orElse(""));
    }
}
