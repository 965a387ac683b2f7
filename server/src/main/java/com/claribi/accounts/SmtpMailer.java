package com.claribi.accounts;

import com.claribi.platform.ClariException;
import com.claribi.platform.Config;
import com.claribi.platform.ErrorCode;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/** SMTP delivery through Jakarta Mail (Eclipse Angus): STARTTLS, authentication, a From address. */
final class SmtpMailer implements Mailer {
    private final Session session;
    private final Config.Smtp smtp;
    private final InternetAddress from;

    SmtpMailer(Config.Smtp smtp) {
        this.smtp = smtp;
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", "smtp");
        properties.put("mail.smtp.host", smtp.host().orElseThrow());
        properties.put("mail.smtp.port", Integer.toString(smtp.port()));
        properties.put("mail.smtp.auth", Boolean.toString(smtp.username().isPresent()));
        properties.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
        properties.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "20000");
        properties.put("mail.smtp.writetimeout", "20000");
        this.session = Session.getInstance(properties);
        try {
            this.from = new InternetAddress(smtp.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("CLARIBI_SMTP_FROM is not a valid address: " + smtp.from(), e);
        }
    }

    @Override
    public void send(MailMessage message) {
        try {
            MimeMessage mime = new MimeMessage(session);
            mime.setFrom(from);
            mime.setRecipient(Message.RecipientType.TO, new InternetAddress(message.to(), true));
            mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
            mime.setSentDate(new Date());
            MimeBodyPart text = new MimeBodyPart();
            text.setText(message.text(), StandardCharsets.UTF_8.name(), "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(message.html(), StandardCharsets.UTF_8.name(), "html");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            mime.setContent(alternative);
            if (smtp.username().isPresent()) {
                Transport.send(mime, smtp.username().get(), smtp.password().orElse(""));
            } else {
                Transport.send(mime);
            }
        } catch (MessagingException e) {
            // The exception text can echo server replies but never our bodies; still, keep it out of
            // the message callers may show.
            throw new ClariException(ErrorCode.UNAVAILABLE, "The mail server did not accept the message.", e);
        }
    }
}
