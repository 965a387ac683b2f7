package com.claribi.web;

/**
 * HTML building for the server-rendered pages. Every value that did not come from this source file
 * goes through {@link #escape}; pages are Java text blocks, not a template engine (decision recorded
 * in docs/oauth.md).
 */
final class Html {
    private Html() {}

    /** Escapes text for element content and double-quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '`' -> out.append("&#96;");
                default -> {
                    if (ch < 0x20 && ch != '\n' && ch != '\t') {
                        out.append(' ');
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }

    static final String LOGO = """
            <svg class="logo-mark" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8"/>\
            <path d="M9 21V14M14 21V10M19 21V16M24 21V12" /></svg>""";

    /** A centred single-card page (sign-in, sign-up, consent, errors). */
    static String card(String title, String body) {
        return document(title, "auth", """
                <main class="auth-shell">
                  <a class="brand" href="/">%s<span>clariBI</span></a>
                  <section class="card">
                %s
                  </section>
                  <p class="fine-print">Protected by clariBI · <a href="/docs/privacy">Privacy</a> · <a href="/docs/terms">Terms</a></p>
                </main>
                """.formatted(LOGO, body));
    }

    /** A signed-in application page with the top bar and settings navigation. */
    static String app(String title, String email, String csrf, String active, String body) {
        return document(title, "app", """
                <header class="topbar">
                  <a class="brand" href="/">%s<span>clariBI</span></a>
                  <div class="topbar-right">
                    <span class="who">%s</span>
                    <form method="post" action="/sign-out"><input type="hidden" name="csrf" value="%s">\
                <button class="button ghost small" type="submit">Sign out</button></form>
                  </div>
                </header>
                <div class="layout">
                  <nav class="sidenav" aria-label="Settings">
                    <p class="nav-heading">Settings</p>
                    <a class="nav-item" href="/settings/developer">Developer</a>
                    <a class="nav-sub%s" href="/settings/developer">MCP Server</a>
                    <a class="nav-sub" href="/settings/developer#rest-keys">REST API keys</a>
                  </nav>
                  <main class="content">
                %s
                  </main>
                </div>
                """.formatted(
                        LOGO, escape(email), escape(csrf), active.equals("mcp") ? " active" : "", body));
    }

    private static String document(String title, String bodyClass, String body) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · clariBI</title>
                <link rel="stylesheet" href="/assets/app.css">
                <script src="/assets/app.js" defer></script>
                </head>
                <body class="%s">
                %s
                </body>
                </html>
                """.formatted(escape(title), bodyClass, body);
    }
}
