package com.claribi.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Four realistic datasets, generated deterministically (fixed seeds) into DuckDB tables: sales
 * orders (2024–2025), daily ad performance (2025), SaaS subscriptions, and a product inventory.
 * Expected answers in the question set are hand-written SQL over these same tables.
 */
final class Datasets {
    static final String SALES = "sales_orders";
    static final String ADS = "ad_performance";
    static final String SAAS = "subscriptions";
    static final String PRODUCTS = "products";

    /** A customer name that tries SQL injection; it must be matched and bound like any other value. */
    static final String HOSTILE_CUSTOMER = "O'Brien & Sons\"; DROP TABLE sales_orders;--";

    private Datasets() {}

    static void createAll(Connection connection, Path dir) throws SQLException {
        sales(connection, dir);
        ads(connection, dir);
        saas(connection, dir);
        products(connection, dir);
    }

    static List<TableSchema> schemas(Connection connection) {
        return List.of(
                AnalysisEngine.describe(connection, SALES, "ds_sales", "Sales orders"),
                AnalysisEngine.describe(connection, ADS, "ds_ads", "Marketing ad performance"),
                AnalysisEngine.describe(connection, SAAS, "ds_saas", "SaaS subscriptions"),
                AnalysisEngine.describe(connection, PRODUCTS, "ds_products", "Product inventory"));
    }

    private static String csv(Object value) {
        String text = String.valueOf(value);
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    private static void load(
            Connection connection, Path dir, String table, String header, List<List<Object>> rows, String columns)
            throws SQLException {
        Path file = dir.resolve(table + ".csv");
        StringBuilder content = new StringBuilder(header).append('\n');
        for (List<Object> row : rows) {
            content.append(String.join(",", row.stream().map(Datasets::csv).toList()))
                    .append('\n');
        }
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " AS SELECT * FROM read_csv('"
                    + file.toString().replace("'", "''") + "', header = true, quote = '\"', escape = '\"', columns = {"
                    + columns + "})");
        }
    }

    private static double round2(double value) {
        return Math.round(value * 100.0) / 100.0;
    }

    static void sales(Connection connection, Path dir) throws SQLException {
        Random random = new Random(20240101L);
        String[][] regions = {
            {"North America", "United States", "Canada", "Mexico"},
            {"EMEA", "Germany", "France", "United Kingdom", "Spain"},
            {"APAC", "Japan", "Australia", "Singapore", "India"},
            {"LATAM", "Brazil", "Argentina", "Chile"}
        };
        double[] regionWeights = {0.38, 0.30, 0.22, 0.10};
        String[][] products = {
            {"Atlas Laptop", "Computers", "1200"},
            {"Luna Tablet", "Computers", "650"},
            {"Nimbus Phone", "Phones", "899"},
            {"Orion Monitor", "Accessories", "320"},
            {"Terra Keyboard", "Accessories", "95"},
            {"Sol Mouse", "Accessories", "45"},
            {"Vega Headphones", "Audio", "220"},
            {"Nova Camera", "Cameras", "1450"}
        };
        String[] channels = {"Online", "Retail", "Partner"};
        List<String> customers = new ArrayList<>();
        String[] first = {
            "Acme",
            "Globex",
            "Initech",
            "Umbrella",
            "Stark",
            "Wayne",
            "Wonka",
            "Hooli",
            "Vandelay",
            "Cyberdyne",
            "Soylent",
            "Tyrell",
            "Massive",
            "Pied Piper",
            "Aperture",
            "Gringotts",
            "Oscorp",
            "Nakatomi",
            "Duff",
            "Monarch"
        };
        String[] second = {"Corp", "Industries", "Labs", "Holdings", "Group"};
        for (String a : first) {
            for (String b : second) {
                customers.add(a + " " + b);
            }
        }
        customers.add(HOSTILE_CUSTOMER);
        List<List<Object>> rows = new ArrayList<>();
        LocalDate start = LocalDate.of(2024, 1, 1);
        int id = 10001;
        for (int day = 0; day < 731; day++) {
            LocalDate date = start.plusDays(day);
            double seasonal = 1.0
                    + 0.35 * Math.sin((date.getDayOfYear() / 365.0) * 2 * Math.PI - 1.2)
                    + (date.getYear() == 2025 ? 0.15 : 0.0);
            int orders = (int) Math.round(6 * seasonal + random.nextInt(5));
            for (int k = 0; k < orders; k++) {
                double pick = random.nextDouble();
                int r = pick < regionWeights[0]
                        ? 0
                        : pick < regionWeights[0] + regionWeights[1]
                                ? 1
                                : pick < regionWeights[0] + regionWeights[1] + regionWeights[2] ? 2 : 3;
                String region = regions[r][0];
                String country = regions[r][1 + random.nextInt(regions[r].length - 1)];
                String[] product = products[random.nextInt(products.length)];
                String channel = channels[random.nextDouble() < 0.5 ? 0 : random.nextDouble() < 0.6 ? 1 : 2];
                String customer = customers.get(random.nextInt(customers.size()));
                int quantity = 1 + random.nextInt(product[1].equals("Accessories") ? 20 : 6);
                double unitPrice = round2(Double.parseDouble(product[2]) * (0.9 + random.nextDouble() * 0.2));
                double discount = random.nextDouble() < 0.3 ? 0.1 : 0.0;
                double revenue = round2(quantity * unitPrice * (1 - discount));
                double cost = round2(revenue * (0.55 + random.nextDouble() * 0.2));
                rows.add(List.of(
                        "SO-" + id++,
                        date.toString(),
                        region,
                        country,
                        product[0],
                        product[1],
                        channel,
                        customer,
                        quantity,
                        unitPrice,
                        discount,
                        revenue,
                        cost));
            }
        }
        load(
                connection,
                dir,
                SALES,
                "order_id,order_date,region,country,product,category,channel,customer_name,quantity,unit_price,discount,revenue,cost",
                rows,
                "'order_id': 'VARCHAR', 'order_date': 'DATE', 'region': 'VARCHAR', 'country': 'VARCHAR', 'product': 'VARCHAR', "
                        + "'category': 'VARCHAR', 'channel': 'VARCHAR', 'customer_name': 'VARCHAR', 'quantity': 'INTEGER', "
                        + "'unit_price': 'DOUBLE', 'discount': 'DOUBLE', 'revenue': 'DOUBLE', 'cost': 'DOUBLE'");
    }

    static void ads(Connection connection, Path dir) throws SQLException {
        Random random = new Random(2025L);
        String[][] campaigns = {
            {"Spring Sale", "Google"}, {"Summer Launch", "Meta"}, {"Brand Awareness", "TikTok"},
            {"Black Friday", "Google"}, {"Retargeting", "Meta"}, {"B2B Leads", "LinkedIn"}
        };
        List<List<Object>> rows = new ArrayList<>();
        LocalDate start = LocalDate.of(2025, 1, 1);
        for (int day = 0; day < 365; day++) {
            LocalDate date = start.plusDays(day);
            for (String[] campaign : campaigns) {
                long impressions = 2000 + random.nextInt(18000);
                double ctr = switch (campaign[1]) {
                            case "Google" -> 0.035;
                            case "Meta" -> 0.018;
                            case "LinkedIn" -> 0.009;
                            default -> 0.012;
                        }
                        * (0.7 + random.nextDouble() * 0.6);
                long clicks = Math.round(impressions * ctr);
                double cpc = switch (campaign[1]) {
                            case "LinkedIn" -> 5.5;
                            case "Google" -> 1.8;
                            default -> 0.9;
                        }
                        * (0.8 + random.nextDouble() * 0.4);
                double spend = round2(clicks * cpc);
                long conversions = Math.round(clicks * (0.02 + random.nextDouble() * 0.06));
                rows.add(List.of(date.toString(), campaign[0], campaign[1], impressions, clicks, spend, conversions));
            }
        }
        load(
                connection,
                dir,
                ADS,
                "date,campaign,platform,impressions,clicks,spend,conversions",
                rows,
                "'date': 'DATE', 'campaign': 'VARCHAR', 'platform': 'VARCHAR', 'impressions': 'BIGINT', 'clicks': 'BIGINT', "
                        + "'spend': 'DOUBLE', 'conversions': 'BIGINT'");
    }

    static void saas(Connection connection, Path dir) throws SQLException {
        Random random = new Random(777L);
        String[] plans = {"Basic", "Pro", "Enterprise"};
        double[] prices = {29, 79, 249};
        String[] countries = {
            "United States", "Germany", "United Kingdom", "France", "Canada", "Australia", "Japan", "Brazil"
        };
        String[] industries = {"Software", "Retail", "Healthcare", "Finance", "Education"};
        String[] syllables = {
            "zen", "bright", "blue", "nova", "peak", "clear", "swift", "true", "north", "data", "cloud", "core"
        };
        String[] suffixes = {"ly", "io", "works", "hub", "base", "stack"};
        List<List<Object>> rows = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 1; i <= 480; i++) {
            String name;
            do {
                name = capitalize(syllables[random.nextInt(syllables.length)])
                        + syllables[random.nextInt(syllables.length)]
                        + suffixes[random.nextInt(suffixes.length)];
            } while (!names.add(name));
            int p = random.nextDouble() < 0.5 ? 0 : random.nextDouble() < 0.7 ? 1 : 2;
            int seats = p == 0 ? 1 + random.nextInt(5) : p == 1 ? 3 + random.nextInt(20) : 20 + random.nextInt(180);
            LocalDate signup = LocalDate.of(2023, 1, 1).plusDays(random.nextInt(1095));
            String status = random.nextDouble() < 0.22 ? "churned" : "active";
            double mrr = round2(seats * prices[p] * (p == 2 ? 0.8 : 1.0));
            rows.add(List.of(
                    String.format(Locale.ROOT, "C%04d", i),
                    name,
                    plans[p],
                    countries[random.nextInt(countries.length)],
                    industries[random.nextInt(industries.length)],
                    signup.toString(),
                    status,
                    mrr,
                    seats));
        }
        load(
                connection,
                dir,
                SAAS,
                "customer_id,customer_name,plan,country,industry,signup_date,status,mrr,seats",
                rows,
                "'customer_id': 'VARCHAR', 'customer_name': 'VARCHAR', 'plan': 'VARCHAR', 'country': 'VARCHAR', "
                        + "'industry': 'VARCHAR', 'signup_date': 'DATE', 'status': 'VARCHAR', 'mrr': 'DOUBLE', 'seats': 'INTEGER'");
    }

    static void products(Connection connection, Path dir) throws SQLException {
        Random random = new Random(99L);
        String[][] catalog = {
            {"Kitchen", "Chef Knife", "Cutting Board", "Mixing Bowl", "Coffee Grinder", "Tea Kettle", "Spice Rack"},
            {"Outdoor", "Camping Tent", "Hiking Backpack", "Sleeping Bag", "Trekking Poles", "Water Filter", "Headlamp"
            },
            {"Office", "Desk Lamp", "Ergonomic Chair", "Standing Desk", "Notebook Set", "Monitor Arm", "Cable Organizer"
            },
            {"Toys", "Puzzle Cube", "Building Blocks", "Toy Robot", "Board Game", "Kite", "Plush Bear"},
            {"Garden", "Garden Hose", "Pruning Shears", "Watering Can", "Plant Pot", "Bird Feeder", "Seed Kit"}
        };
        String[] variants = {"Classic", "Pro", "Mini", "Deluxe"};
        String[] suppliers = {
            "Northwind Traders", "Contoso Supply", "Fabrikam Goods", "Tailspin Wholesale", "Adventure Works"
        };
        String[] warehouses = {"Berlin", "Dallas", "Singapore"};
        List<List<Object>> rows = new ArrayList<>();
        int sku = 1001;
        for (String[] category : catalog) {
            for (int i = 1; i < category.length; i++) {
                for (String variant : variants) {
                    if (random.nextDouble() < 0.25) {
                        continue;
                    }
                    double price = round2((10 + random.nextInt(240)) + random.nextInt(100) / 100.0);
                    int stock = random.nextInt(400);
                    int reorder = 20 + random.nextInt(60);
                    rows.add(List.of(
                            "SKU-" + sku++,
                            category[i] + " " + variant,
                            category[0],
                            suppliers[random.nextInt(suppliers.length)],
                            price,
                            stock,
                            reorder,
                            warehouses[random.nextInt(warehouses.length)]));
                }
            }
        }
        load(
                connection,
                dir,
                PRODUCTS,
                "sku,product_name,category,supplier,price,stock_quantity,reorder_level,warehouse",
                rows,
                "'sku': 'VARCHAR', 'product_name': 'VARCHAR', 'category': 'VARCHAR', 'supplier': 'VARCHAR', 'price': 'DOUBLE', "
                        + "'stock_quantity': 'INTEGER', 'reorder_level': 'INTEGER', 'warehouse': 'VARCHAR'");
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
