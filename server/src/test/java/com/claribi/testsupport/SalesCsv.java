package com.claribi.testsupport;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

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
}
