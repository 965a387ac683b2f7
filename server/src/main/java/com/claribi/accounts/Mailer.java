package com.claribi.accounts;

import com.claribi.platform.Config;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * Sends mail (SPEC §5): over SMTP when {@code CLARIBI_SMTP_HOST} is set, else into the outbox table
 * plus one marked server-log line. Implementations are thread-safe and may block.
 */
public sealed interface Mailer permits SmtpMailer, OutboxMailer {

    /**
     * Delivers {@code message} or throws.
     *
     * @throws com.claribi.platform.ClariException UNAVAILABLE when the mail server refused or is down
     */
    void send(MailMessage message);

    static Mailer fromConfig(Config.Smtp smtp, Jdbi jdbi, Clock clock) {
        return smtp.host().isPresent() ? new SmtpMailer(smtp) : new OutboxMailer(jdbi, clock);
    }
}
