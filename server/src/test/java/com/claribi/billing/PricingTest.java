package com.claribi.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricingTest {

    @Test
    void theShippedConfigHasTheSpecTiersPricesAndTrial() {
        Pricing pricing = Pricing.load(Optional.empty());

        assertThat(pricing.tiers())
                .extracting(Pricing.Tier::id)
                .containsExactly("free", "lite", "trial", "starter", "professional", "enterprise");
        assertThat(pricing.tier("starter").orElseThrow().priceMonthlyCents()).isEqualTo(9_900);
        assertThat(pricing.tier("professional").orElseThrow().priceMonthlyCents())
                .isEqualTo(19_900);
        assertThat(pricing.tier("enterprise").orElseThrow().priceMonthlyCents()).isEqualTo(99_900);
        assertThat(pricing.trialDays()).isEqualTo(14);
        Pricing.Limits trial = pricing.tier("trial").orElseThrow().limits();
        assertThat(trial.aiCreditsPerMonth()).isEqualTo(50);
        assertThat(trial.dataSources()).isEqualTo(3);
        assertThat(trial.uploadsPerMonth()).isEqualTo(5);
        assertThat(trial.storageBytes()).isEqualTo(1L << 30);
    }

    @Test
    void mcpServerAccessIsOnForPaidTiersAndTrialOnly() {
        Pricing pricing = Pricing.load(Optional.empty());

        assertThat(pricing.tiersWith(Pricing.MCP_SERVER_ACCESS))
                .containsExactly("Trial", "Starter", "Professional", "Enterprise");
    }

    @Test
    void aReplacementFileIsReadAndValidated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pricing.json");
        Files.writeString(file, """
                {"currency":"EUR","trial_days":7,"signup_tier":"a","after_trial_tier":"a","tiers":[
                 {"id":"a","name":"A","self_serve":true,"price_monthly_cents":100,"price_yearly_cents":1000,
                  "description":"d","features":{"mcp_server_access":true},
                  "limits":{"ai_credits_per_month":1,"data_sources":1,"uploads_per_month":1,"storage_bytes":1,"members":1}}]}
                """);

        Pricing pricing = Pricing.load(Optional.of(file));

        assertThat(pricing.currency()).isEqualTo("EUR");
        assertThat(pricing.trialDays()).isEqualTo(7);
    }

    @Test
    void aTierNamedButNotDefinedIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pricing.json");
        Files.writeString(file, """
                {"currency":"USD","trial_days":7,"signup_tier":"trial","after_trial_tier":"a","tiers":[
                 {"id":"a","name":"A","self_serve":true,"price_monthly_cents":100,"price_yearly_cents":1000,
                  "description":"d","features":{"mcp_server_access":true},
                  "limits":{"ai_credits_per_month":1,"data_sources":1,"uploads_per_month":1,"storage_bytes":1,"members":1}}]}
                """);

        assertThatThrownBy(() -> Pricing.load(Optional.of(file)))
                .hasMessageContaining("tier trial is named but not defined");
    }

    @Test
    void malformedJsonIsRefusedWithTheFileName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pricing.json");
        Files.writeString(file, "{\"currency\": ");

        assertThatThrownBy(() -> Pricing.load(Optional.of(file))).hasMessageContaining(file.toString());
    }
}
