package com.claribi.accounts;

import java.time.Duration;
import java.util.Optional;

/** The two mails signup sends: the code, and the warning to an existing account's owner. */
final class SignupMail {
    private SignupMail() {}

    static MailMessage code(String to, String organization, String code, Duration validFor) {
        long minutes = validFor.toMinutes();
        String text = """
                Hi,

                Someone (we hope you) asked to create the clariBI workspace "%s" with this address.
                Your verification code is:

                    %s

                Give it to your AI assistant to finish signing up. It expires in %d minutes and works once.

                If this was not you, ignore this mail: without the code no account is created.

                - The clariBI team
                """.formatted(organization, code, minutes);
        String html = page(
                "Your clariBI verification code",
                "<p>Someone (we hope you) asked to create the clariBI workspace <strong>" + escape(organization)
                        + "</strong> with this address. Your verification code is:</p>"
                        + "<p style=\"font-size:32px;font-weight:700;letter-spacing:8px;margin:24px 0;"
                        + "font-family:Menlo,Consolas,monospace\">" + code + "</p>"
                        + "<p>Give it to your AI assistant to finish signing up. It expires in " + minutes
                        + " minutes and works once.</p>"
                        + "<p style=\"color:#6b7280\">If this was not you, ignore this mail: without the code no"
                        + " account is created.</p>");
        return new MailMessage(
                to,
                code + " is your clariBI verification code",
                text,
                html,
                Optional.of("signup verification code " + code));
    }

    static MailMessage someoneTriedToSignUp(String to) {
        String text = """
                Hi,

                Someone just tried to sign up for clariBI with this address, but you already have an account,
                so no new account was created and nothing about yours has changed.

                If it was you, keep using your existing account, or ask the owner of a workspace to invite you.
                If it was not you, no action is needed; you may want to make sure your password is strong.

                - The clariBI team
                """;
        String html = page(
                "Someone tried to sign up with your address",
                "<p>Someone just tried to sign up for clariBI with this address, but you already have an account,"
                        + " so no new account was created and nothing about yours has changed.</p>"
                        + "<p>If it was you, keep using your existing account, or ask the owner of a workspace to"
                        + " invite you.</p><p style=\"color:#6b7280\">If it was not you, no action is needed; you may"
                        + " want to make sure your password is strong.</p>");
        return new MailMessage(
                to, "Someone tried to sign up for clariBI with your address", text, html, Optional.empty());
    }

    private static String page(String title, String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>"
                + "<body style=\"margin:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Helvetica,Arial,"
                + "sans-serif;color:#111827\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\""
                + " cellspacing=\"0\"><tr><td align=\"center\" style=\"padding:32px 16px\">"
                + "<table role=\"presentation\" width=\"560\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:"
                + "#ffffff;border-radius:12px;padding:32px\"><tr><td>"
                + "<div style=\"font-size:20px;font-weight:700;color:#4f46e5;margin-bottom:16px\">clariBI</div>"
                + "<h1 style=\"font-size:20px;margin:0 0 16px\">" + escape(title) + "</h1>" + body
                + "<p style=\"margin-top:32px;color:#6b7280;font-size:13px\">The clariBI team</p>"
                + "</td></tr></table></td></tr></table></body></html>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
