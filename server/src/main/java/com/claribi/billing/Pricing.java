package com.claribi.billing;

import com.claribi.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one pricing config (SPEC §3): tiers with prices, feature flags and limits. Shipped as {@code
 * pricing.json} in the server's resources; {@code CLARIBI_PRICING_FILE} replaces it. Immutable.
 *
 * @param currency ISO 4217 code of every price
 * @param trialDays how long the Trial lasts
 * @param signupTier the tier a new workspace starts on
 * @param afterTrialTier the tier a workspace drops to when the trial ends without an upgrade
 * @param tiers every tier, in the order they are shown
 */
public record Pricing(String currency, int trialDays, String signupTier, String afterTrialTier, List<Tier> tiers) {

    /** The feature that gates every authenticated MCP tool but usage and billing. */
    public static final String MCP_SERVER_ACCESS = "mcp_server_access";

    public Pricing {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("pricing: currency must be an ISO 4217 code such as USD");
        }
        if (trialDays < 1) {
            throw new IllegalArgumentException("pricing: trial_days must be at least 1");
        }
        tiers = List.copyOf(tiers);
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("pricing: at least one tier is needed");
        }
        Set<String> ids = new HashSet<>();
        Set<String> features = null;
        for (Tier tier : tiers) {
            if (!ids.add(tier.id())) {
                throw new IllegalArgumentException("pricing: tier " + tier.id() + " appears twice");
            }
            if (features == null) {
                features = tier.features().keySet();
            } else if (!features.equals(tier.features().keySet())) {
                throw new IllegalArgumentException(
                        "pricing: tier " + tier.id() + " must list the same features as the others " + features);
            }
        }
        if (!features.contains(MCP_SERVER_ACCESS)) {
            throw new IllegalArgumentException("pricing: every tier must say whether it has " + MCP_SERVER_ACCESS);
        }
        for (String required : List.of(signupTier, afterTrialTier)) {
            if (!ids.contains(required)) {
                throw new IllegalArgumentException("pricing: tier " + required + " is named but not defined");
            }
        }
    }

    /**
     * One tier.
     *
     * @param id stable identifier ({@code trial}, {@code starter}, …)
     * @param selfServe whether a user can buy it through checkout
     * @param priceMonthlyCents price per month, in cents of {@link Pricing#currency()}
     * @param priceYearlyCents price per year when billed yearly, in cents
     */
    public record Tier(
            String id,
            String name,
            boolean selfServe,
            long priceMonthlyCents,
            long priceYearlyCents,
            String description,
            Map<String, Boolean> features,
            Limits limits) {
        public Tier {
            if (id == null || !id.matches("[a-z][a-z0-9_]{0,31}")) {
                throw new IllegalArgumentException("pricing: tier ids are lower-case words, got " + id);
            }
            if (name == null || name.isBlank() || description == null || limits == null || features == null) {
                throw new IllegalArgumentException(
                        "pricing: tier " + id + " needs a name, description, features and limits");
            }
            if (priceMonthlyCents < 0 || priceYearlyCents < 0) {
                throw new IllegalArgumentException("pricing: tier " + id + " has a negative price");
            }
            features = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(features));
        }

        public boolean has(String feature) {
            return features.getOrDefault(feature, false);
        }
    }

    /** A tier's limits; monthly ones reset on the first of each month (UTC). */
    public record Limits(
            long aiCreditsPerMonth, long dataSources, long uploadsPerMonth, long storageBytes, long members) {
        public Limits {
            if (aiCreditsPerMonth < 0 || dataSources < 0 || uploadsPerMonth < 0 || storageBytes < 0 || members < 1) {
                throw new IllegalArgumentException("pricing: limits must not be negative and members at least 1");
            }
        }
    }

    public Optional<Tier> tier(String id) {
        return tiers.stream().filter(tier -> tier.id().equals(id)).findFirst();
    }

    /** Names of the tiers that include {@code feature}, in display order. */
    public List<String> tiersWith(String feature) {
        return tiers.stream().filter(tier -> tier.has(feature)).map(Tier::name).toList();
    }

    /** The shipped {@code pricing.json}, or the file named by {@code CLARIBI_PRICING_FILE}. */
    public static Pricing load(Optional<Path> file) {
        JsonMapper mapper = Json.mapper()
                .rebuild()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build();
        try (InputStream in = file.isPresent()
                ? Files.newInputStream(file.get())
                : Pricing.class.getResourceAsStream("/pricing.json")) {
            if (in == null) {
                throw new IllegalStateException("pricing.json is missing from the server's resources");
            }
            return mapper.readValue(in, Pricing.class);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the pricing config " + file.map(Path::toString).orElse("pricing.json"), e);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(
                    "the pricing config " + file.map(Path::toString).orElse("pricing.json") + " is not valid: "
                            + e.getOriginalMessage(),
                    e);
        }
    }
}
