package com.claribi.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void defaultsMatchTheSpec() {
        Config config = Config.defaults();

        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.home())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".claribi").toAbsolutePath());
        assertThat(config.publicUrl()).isEmpty();
        assertThat(config.database().embedded()).isTrue();
        assertThat(config.smtp().host()).isEmpty();
        assertThat(config.smtp().port()).isEqualTo(587);
        assertThat(config.smtp().startTls()).isTrue();
        assertThat(config.stripe().apiBase()).isEqualTo(URI.create("https://api.stripe.com"));
        assertThat(config.llm().provider()).isEmpty();
        assertThat(config.urlFetchAllowlist()).isEmpty();
        assertThat(config.urlFetchMaxBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.pricingFile()).isEmpty();
    }

    @Test
    void readsEveryVariable() {
        Config config = Config.fromEnvironment(Map.ofEntries(
                Map.entry("CLARIBI_HOME", "/srv/claribi"),
                Map.entry("CLARIBI_BIND", "0.0.0.0"),
                Map.entry("CLARIBI_PORT", "9090"),
                Map.entry("CLARIBI_PUBLIC_URL", "https://claribi.example.com/"),
                Map.entry("CLARIBI_DB_URL", "jdbc:postgresql://db:5432/claribi"),
                Map.entry("CLARIBI_SMTP_HOST", "smtp.example.com"),
                Map.entry("CLARIBI_SMTP_PORT", "2525"),
                Map.entry("CLARIBI_SMTP_STARTTLS", "false"),
                Map.entry("CLARIBI_LLM_PROVIDER", "Anthropic"),
                Map.entry("CLARIBI_URL_FETCH_ALLOWLIST", "127.0.0.1:9000, files.internal:443"),
                Map.entry("CLARIBI_URL_FETCH_MAX_BYTES", "2GB"),
                Map.entry("CLARIBI_ALLOWED_ORIGINS", "https://app.example.com")));

        assertThat(config.home()).isEqualTo(Path.of("/srv/claribi"));
        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.publicUrl()).contains(URI.create("https://claribi.example.com"));
        assertThat(config.database().url()).contains("jdbc:postgresql://db:5432/claribi");
        assertThat(config.smtp().host()).contains("smtp.example.com");
        assertThat(config.smtp().port()).isEqualTo(2525);
        assertThat(config.smtp().startTls()).isFalse();
        assertThat(config.llm().provider()).contains("anthropic");
        assertThat(config.urlFetchAllowlist()).containsExactly("127.0.0.1:9000", "files.internal:443");
        assertThat(config.urlFetchMaxBytes()).isEqualTo(2L << 30);
        assertThat(config.allowedOrigins()).containsExactly("https://app.example.com");
    }

    @Test
    void urlFetchMaxBytesTakesBytesOrAUnit() {
        Map<String, Long> accepted = Map.of(
                "104857600",
                104_857_600L,
                "1024",
                1024L,
                "512KB",
                512L * 1024,
                "250 mb",
                250L * 1024 * 1024,
                " 4GB ",
                4L << 30,
                "1TB",
                1L << 40);
        accepted.forEach(
                (value, bytes) -> assertThat(Config.fromEnvironment(Map.of("CLARIBI_URL_FETCH_MAX_BYTES", value))
                                .urlFetchMaxBytes())
                        .as(value)
                        .isEqualTo(bytes));
        assertThat(Config.fromEnvironment(Map.of("CLARIBI_URL_FETCH_MAX_BYTES", " "))
                        .urlFetchMaxBytes())
                .isEqualTo(Config.DEFAULT_URL_FETCH_MAX_BYTES);
    }

    @Test
    void urlFetchMaxBytesRefusesWhatItCannotUse() {
        for (String value : new String[] {
            "100", "1023", "0", "-5", "2TB", "1025GB", "1.5GB", "100 MiB", "ten", "MB", "9999999999999999", "100MB2"
        }) {
            assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CLARIBI_URL_FETCH_MAX_BYTES", value)))
                    .as(value)
                    .isInstanceOf(Config.InvalidConfigException.class)
                    .hasMessage("CLARIBI_URL_FETCH_MAX_BYTES must be a size from 1 KB to 1 TB: a number of bytes, or"
                            + " a number followed by KB, MB, GB or TB (such as 100MB) (got \"" + value.strip() + "\")")
                    .extracting(error -> ((Config.InvalidConfigException) error).variable())
                    .isEqualTo("CLARIBI_URL_FETCH_MAX_BYTES");
        }
    }

    @Test
    void describeBytesIsExact() {
        assertThat(Config.describeBytes(100L * 1024 * 1024)).isEqualTo("100 MB");
        assertThat(Config.describeBytes(3L << 30)).isEqualTo("3 GB");
        assertThat(Config.describeBytes(1536L * 1024 * 1024)).isEqualTo("1,536 MB");
        assertThat(Config.describeBytes(2048)).isEqualTo("2 KB");
        assertThat(Config.describeBytes(1500)).isEqualTo("1,500 bytes");
        assertThat(Config.describeBytes(1L << 40)).isEqualTo("1 TB");
    }

    @Test
    void aBadValueNamesTheVariableAndWhatItAccepts() {
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CLARIBI_PORT", "eighty")))
                .isInstanceOf(Config.InvalidConfigException.class)
                .hasMessage("CLARIBI_PORT must be a port number from 0 to 65535 (got \"eighty\")");
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CLARIBI_DB_URL", "jdbc:mysql://db/x?password=hunter2")))
                .hasMessageContaining("CLARIBI_DB_URL must be unset (embedded store) or a jdbc:postgresql:// URL")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CLARIBI_ALLOWED_ORIGINS", "*")))
                .hasMessageContaining("no wildcard");
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CLARIBI_URL_FETCH_ALLOWLIST", "localhost")))
                .hasMessageContaining("CLARIBI_URL_FETCH_ALLOWLIST must be a comma-separated list of host:port");
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CLARIBI_PUBLIC_URL", "ftp://x")))
                .hasMessageContaining("CLARIBI_PUBLIC_URL");
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CLARIBI_SMTP_STARTTLS", "maybe")))
                .hasMessageContaining("CLARIBI_SMTP_STARTTLS must be true or false");
    }

    @Test
    void aConfigFileMirrorsTheVariablesAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("claribi.properties");
        Files.writeString(file, "CLARIBI_PORT=7000\nCLARIBI_BIND=0.0.0.0\n");

        Config config = Config.fromEnvironment(Map.of("CLARIBI_CONFIG_FILE", file.toString(), "CLARIBI_PORT", "7001"));

        assertThat(config.port()).isEqualTo(7001);
        assertThat(config.bind()).isEqualTo("0.0.0.0");
    }

    @Test
    void secretsStayOutOfToString() {
        Config config = Config.fromEnvironment(Map.of(
                "CLARIBI_DB_PASSWORD", "db-secret-1",
                "CLARIBI_SMTP_PASSWORD", "smtp-secret-2",
                "CLARIBI_STRIPE_SECRET_KEY", "sk_test_secret3",
                "CLARIBI_LLM_API_KEY", "llm-secret-4"));

        assertThat(config.database().password()).isEqualTo(Optional.of("db-secret-1"));
        assertThat(config.toString()).doesNotContain("db-secret-1", "smtp-secret-2", "sk_test_secret3", "llm-secret-4");
    }
}
