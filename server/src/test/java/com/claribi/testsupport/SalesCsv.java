package com.claribi.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A small deterministic sales table as CSV, with its rows kept so tests compute expected answers in
 * plain Java, independently of the engine.
 */
public final class SalesCsv {
    public static final List<String> REGIONS = List.of("EMEA", "APAC", "North America", "LATAM");
    public static final List<String> PRODUCTS = List.of("Widget", "Gadget", "Gizmo");

    /** One order. */
    public record Order(LocalDate orderDate, String region, String product, double revenue, int units) {}

    private SalesCsv() {}

    /** {@code count} orders spread over 2025. */
    public static List<Order> orders(long seed, int count) {
        Random random = new Random(seed);
        List<Order> orders = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            int units = 1 + random.nextInt(9);
            double revenue = Math.round(units * (20 + random.nextInt(180)) * 100.0) / 100.0;
            orders.add(new Order(
                    LocalDate.of(2025, 1, 1).plusDays(random.nextInt(365)),
                    REGIONS.get(random.nextInt(REGIONS.size())),
                    PRODUCTS.get(random.nextInt(PRODUCTS.size())),
                    revenue,
                    units));
        }
        return orders;
    }

    public static String csv(List<Order> orders) {
        StringBuilder csv = new StringBuilder("order_date,region,product,revenue,units\n");
        for (Order order : orders) {
            csv.append(order.orderDate())
                    .append(',')
                    .append(order.region())
                    .append(',')
                    .append(order.product())
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.2f", order.revenue()))
                    .append(',')
                    .append(order.units())
                    .append('\n');
        }
        return csv.toString();
    }

    /**
     * Asserts that a {@code run_analysis} payload's answer table holds the revenue per region of
     * {@code orders}, summed here in plain Java, to the cent.
     */
    public static void assertRevenueByRegion(JsonNode payload, List<Order> orders) {
        Map<String, Double> expected = new TreeMap<>();
        orders.forEach(order -> expected.merge(order.region(), order.revenue(), Double::sum));
        Map<String, Double> actual = new TreeMap<>();
        payload.path("answer")
                .path("table")
                .path("rows")
                .forEach(row -> actual.put(row.get(0).asString(), row.get(1).asDouble()));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((region, revenue) -> assertThat(actual.get(region)).isCloseTo(revenue, within(0.01)));
    }
}
