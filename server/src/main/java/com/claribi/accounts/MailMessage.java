package com.claribi.accounts;

import java.util.Objects;
import java.util.Optional;

/**
 * One outgoing mail with a plain-text and an HTML body.
 *
 * @param localNote what a person running the server without SMTP needs from this mail (a signup
 *     code); written to the server log only by the outbox mailer, never by SMTP delivery
 */
public record MailMessage(String to, String subject, String text, String html, Optional<String> localNote) {
    public MailMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(localNote, "localNote");
    }

    @Override
    public String toString() {
        return "MailMessage[subject=" + subject + "]";
    }
}
