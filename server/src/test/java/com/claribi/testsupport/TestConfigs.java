package com.claribi.testsupport;

import com.claribi.platform.Config;

/** Copies of a {@link Config} with one part replaced, for tests. */
public final class TestConfigs {
    private TestConfigs() {}

    public static Config withSmtp(Config config, Config.Smtp smtp) {
        return new Config(
                config.home(),
                config.bind(),
                config.port(),
                config.publicUrl(),
                config.database(),
                smtp,
                config.stripe(),
                config.llm(),
                config.urlFetchAllowlist(),
                config.urlFetchMaxBytes(),
                config.allowedOrigins(),
                config.pricingFile());
    }

    public static Config withLlm(Config config, Config.Llm llm) {
        return new Config(
                config.home(),
                config.bind(),
                config.port(),
                config.publicUrl(),
                config.database(),
                config.smtp(),
                config.stripe(),
                llm,
                config.urlFetchAllowlist(),
                config.urlFetchMaxBytes(),
                config.allowedOrigins(),
                config.pricingFile());
    }
}
